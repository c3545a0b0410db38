package dev.tcptune.kernel.timing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.time.Duration;
import java.util.Map;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

class TcpTimingsTest {

  @Test
  void kernelDefaults() {
    TcpTimings t = TcpTimings.defaults();
    assertThat(t.connectGiveUp()).isEqualTo(Duration.ofSeconds(127));
    assertThat(t.synAckGiveUp()).isEqualTo(Duration.ofSeconds(63));
    assertThat(t.establishedGiveUp()).isEqualTo(Duration.ofMillis(924_600));
    assertThat(t.deadPeerDetection()).isEqualTo(Duration.ofSeconds(7200 + 75 * 9));
    assertThat(t.rtoFloor()).isEqualTo(Duration.ofMillis(200));
    assertThat(t.orphanRetries()).isEqualTo(8);
    assertThat(t.orphanGiveUp()).isEqualTo(Duration.ofMillis(200 * 511));
    assertThat(t.ephemeralPorts()).isEqualTo(28232);
    assertThat(t.maxNewConnectionsPerSecondPerDestination()).isCloseTo(470.53, within(0.01));
  }

  @Test
  void tunedProfile() {
    TcpTimings t =
        TcpTimings.of(
            Map.of(
                "net.ipv4.tcp_syn_retries",
                "2",
                "net.ipv4.tcp_keepalive_time",
                "60",
                "net.ipv4.tcp_keepalive_intvl",
                "10",
                "net.ipv4.tcp_keepalive_probes",
                "6",
                "net.ipv4.tcp_retries2",
                "5",
                "net.ipv4.tcp_rto_min_us",
                "50000",
                "net.ipv4.ip_local_port_range",
                "1024 65535",
                "net.ipv4.tcp_orphan_retries",
                "7"),
            OptionalInt.empty());
    assertThat(t.connectGiveUp()).isEqualTo(Duration.ofSeconds(7));
    assertThat(t.deadPeerDetection()).isEqualTo(Duration.ofSeconds(120));
    assertThat(t.establishedGiveUp()).isEqualTo(Duration.ofMillis(50 * 63));
    assertThat(t.orphanRetries()).isEqualTo(7);
    assertThat(t.ephemeralPorts()).isEqualTo(64512);
  }

  @Test
  void routeRtoMinOverridesNamespaceFloorAndBackoffCapsAt120s() {
    TcpTimings t = TcpTimings.of(Map.of("net.ipv4.tcp_rto_min_us", "50000"), OptionalInt.of(20));
    assertThat(t.rtoFloor()).isEqualTo(Duration.ofMillis(20));
    assertThat(TcpTimings.backoff(Duration.ofSeconds(1), 10))
        .isEqualTo(Duration.ofSeconds(127 + 4 * 120));
  }

  @Test
  void badValueNamesTheKey() {
    assertThatThrownBy(
            () -> TcpTimings.of(Map.of("net.ipv4.tcp_retries2", "x"), OptionalInt.empty()))
        .hasMessageContaining("net.ipv4.tcp_retries2")
        .hasMessageContaining("'x'");
  }
}
