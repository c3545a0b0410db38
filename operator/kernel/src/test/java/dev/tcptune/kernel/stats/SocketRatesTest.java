package dev.tcptune.kernel.stats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SocketRatesTest {

  private static final Instant T0 = Instant.parse("2025-01-01T00:00:00Z");

  @Test
  void ratesPerSecondAndDeltas() {
    var a =
        new SocketSnapshot(
            T0,
            Map.of(
                "TcpExt.ListenOverflows",
                100L,
                "Tcp.RetransSegs",
                10L,
                "Tcp.OutSegs",
                1000L,
                "Tcp.CurrEstab",
                50L,
                "sockstat.TCP.tw",
                9L),
            Map.of(TcpState.TIME_WAIT, 3L));
    var b =
        new SocketSnapshot(
            T0.plusSeconds(10),
            Map.of(
                "TcpExt.ListenOverflows",
                150L,
                "Tcp.RetransSegs",
                30L,
                "Tcp.OutSegs",
                3000L,
                "Tcp.CurrEstab",
                20L,
                "sockstat.TCP.tw",
                1L),
            Map.of(TcpState.TIME_WAIT, 7L));
    SocketRates r = SocketRates.between(a, b);
    assertThat(r.delta("TcpExt.ListenOverflows")).isEqualTo(50);
    assertThat(r.rate("TcpExt.ListenOverflows")).isCloseTo(5.0, within(1e-9));
    assertThat(r.retransmissionRatio()).isCloseTo(0.01, within(1e-9));
    assertThat(r.deltas()).doesNotContainKeys("Tcp.CurrEstab", "sockstat.TCP.tw");
    assertThat(r.resets()).isEmpty();
    assertThat(b.timeWait()).isEqualTo(7);
    assertThat(b.listenOverflows()).isEqualTo(150);
    assertThat(b.closeWait()).isZero();
  }

  @Test
  void negativeDeltaIsAReset() {
    var a = new SocketSnapshot(T0, Map.of("Tcp.RetransSegs", 500L), Map.of());
    var b = new SocketSnapshot(T0.plusSeconds(2), Map.of("Tcp.RetransSegs", 8L), Map.of());
    SocketRates r = SocketRates.between(a, b);
    assertThat(r.resets()).containsExactly("Tcp.RetransSegs");
    assertThat(r.delta("Tcp.RetransSegs")).isEqualTo(8);
    assertThat(r.rate("Tcp.RetransSegs")).isEqualTo(4.0);
  }

  @Test
  void zeroIntervalGivesZeroRates() {
    var a = new SocketSnapshot(T0, Map.of("Tcp.OutSegs", 1L), Map.of());
    var b = new SocketSnapshot(T0, Map.of("Tcp.OutSegs", 5L), Map.of());
    assertThat(SocketRates.between(a, b).rate("Tcp.OutSegs")).isZero();
  }
}
