package dev.tcptune.kernel.catalog;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class TunableCatalogTest {

  private final TunableCatalog catalog = TunableCatalog.standard();

  static Stream<Tunable> scalarTunables() {
    return TunableCatalog.standard().all().stream().filter(t -> t.unit() != Unit.PORT_RANGE);
  }

  @Test
  void hasEveryKeyOfTheDomainWithTheAgreedRanges() {
    Map<String, long[]> expected =
        Map.ofEntries(
            Map.entry("net.core.somaxconn", new long[] {128, 65535}),
            Map.entry("net.ipv4.tcp_max_syn_backlog", new long[] {128, 262144}),
            Map.entry("net.ipv4.tcp_tw_reuse", new long[] {0, 2}),
            Map.entry("net.ipv4.ip_local_port_range", new long[] {1024, 65535}),
            Map.entry("net.ipv4.tcp_fin_timeout", new long[] {5, 300}),
            Map.entry("net.ipv4.tcp_keepalive_time", new long[] {1, 32767}),
            Map.entry("net.ipv4.tcp_keepalive_intvl", new long[] {1, 32767}),
            Map.entry("net.ipv4.tcp_keepalive_probes", new long[] {1, 127}),
            Map.entry("net.ipv4.tcp_syn_retries", new long[] {1, 10}),
            Map.entry("net.ipv4.tcp_syn_linear_timeouts", new long[] {0, 10}),
            Map.entry("net.ipv4.tcp_synack_retries", new long[] {1, 10}),
            Map.entry("net.ipv4.tcp_retries1", new long[] {1, 15}),
            Map.entry("net.ipv4.tcp_retries2", new long[] {3, 20}),
            Map.entry("net.ipv4.tcp_orphan_retries", new long[] {0, 15}),
            Map.entry("net.ipv4.tcp_rto_min_us", new long[] {1000, 1000000}));
    assertThat(catalog.all())
        .extracting(Tunable::key)
        .containsExactlyInAnyOrderElementsOf(expected.keySet());
    for (Tunable t : catalog.all()) {
      assertThat(new long[] {t.min(), t.max()}).as(t.key()).containsExactly(expected.get(t.key()));
      assertThat(t.procPath()).isEqualTo(t.key().replace('.', '/'));
      assertThat(t.validate(t.kernelDefault())).as("default of " + t.key()).isEmpty();
    }
    assertThat(TunableCatalog.TCP_RTO_MIN_US.minKernel()).isEqualTo(KernelVersion.of(6, 11, 0));
    assertThat(TunableCatalog.TCP_SYN_LINEAR_TIMEOUTS.minKernel())
        .isEqualTo(KernelVersion.of(6, 7, 0));
    assertThat(TunableCatalog.ROUTE_RTO_MIN_MS_MIN).isEqualTo(1);
    assertThat(TunableCatalog.ROUTE_RTO_MIN_MS_MAX).isEqualTo(1000);
  }

  @ParameterizedTest
  @MethodSource("scalarTunables")
  void scalarBoundsAreInclusive(Tunable t) {
    assertThat(catalog.validate(t.key(), String.valueOf(t.min()))).isEmpty();
    assertThat(catalog.validate(t.key(), String.valueOf(t.max()))).isEmpty();
    assertThat(catalog.validate(t.key(), String.valueOf(t.min() - 1)))
        .hasValue(
            t.key()
                + ": "
                + (t.min() - 1)
                + " is below the allowed range "
                + t.min()
                + ".."
                + t.max());
    assertThat(catalog.validate(t.key(), String.valueOf(t.max() + 1)))
        .hasValue(
            t.key()
                + ": "
                + (t.max() + 1)
                + " is above the allowed range "
                + t.min()
                + ".."
                + t.max());
    assertThat(catalog.validate(t.key(), "lots"))
        .get()
        .asString()
        .contains(t.key(), "'lots'", t.min() + ".." + t.max());
  }

  @Test
  void somaxconnMessageIsExact() {
    assertThat(catalog.validate("net.core.somaxconn", "100"))
        .hasValue("net.core.somaxconn: 100 is below the allowed range 128..65535");
  }

  @Test
  void portRangeNeedsTwoPortsInRangeInOrder() {
    String key = "net.ipv4.ip_local_port_range";
    assertThat(catalog.validate(key, "1024 65535")).isEmpty();
    assertThat(catalog.validate(key, "  32768\t60999 ")).isEmpty();
    assertThat(catalog.validate(key, "2000 2000")).isEmpty();
    assertThat(catalog.validate(key, "1023 60999"))
        .get()
        .asString()
        .contains("low port 1023", "below", "1024..65535");
    assertThat(catalog.validate(key, "1024 65536"))
        .get()
        .asString()
        .contains("high port 65536", "above");
    assertThat(catalog.validate(key, "40000 30000"))
        .get()
        .asString()
        .contains("LOW 40000 above HIGH 30000");
    for (String bad : List.of("1024", "1024 2000 3000", "a b", "")) {
      assertThat(catalog.validate(key, bad)).as(bad).get().asString().contains(key, "LOW HIGH");
    }
  }

  @Test
  void twRecycleIsRefusedWithTheReason() {
    assertThat(catalog.refusal("net.ipv4.tcp_tw_recycle"))
        .hasValue(
            "removed in Linux 4.12: it dropped connections from clients behind NAT because their TCP"
                + " timestamps are not monotonic; use tcp_tw_reuse");
    assertThat(catalog.find("net.ipv4.tcp_tw_recycle")).isEmpty();
    assertThat(catalog.validate("net.ipv4.tcp_tw_recycle", "1"))
        .get()
        .asString()
        .contains("net.ipv4.tcp_tw_recycle", "removed in Linux 4.12", "NAT", "tcp_tw_reuse");
  }

  @Test
  void unknownKeyIsRefusedNamingKeyValueAndAllowedKeys() {
    assertThat(catalog.validate("net.ipv4.tcp_bogus", "7"))
        .get()
        .asString()
        .contains("net.ipv4.tcp_bogus", "unknown key", "'7'", "net.core.somaxconn");
    assertThat(catalog.refusal("net.core.somaxconn")).isEmpty();
  }

  @Test
  void routeRtoMinRange() {
    assertThat(TunableCatalog.validateRouteRtoMin(1)).isEmpty();
    assertThat(TunableCatalog.validateRouteRtoMin(1000)).isEmpty();
    assertThat(TunableCatalog.validateRouteRtoMin(0)).get().asString().contains("0 ms", "1..1000");
    assertThat(TunableCatalog.validateRouteRtoMin(1001)).get().asString().contains("1001 ms");
  }

  @Test
  void supportDependsOnKernel() {
    assertThat(TunableCatalog.TCP_RTO_MIN_US.isSupportedOn(KernelVersion.of(6, 10, 0))).isFalse();
    assertThat(TunableCatalog.TCP_RTO_MIN_US.isSupportedOn(KernelVersion.of(6, 18, 44))).isTrue();
  }
}
