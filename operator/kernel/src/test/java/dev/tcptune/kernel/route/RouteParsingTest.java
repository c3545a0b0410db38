package dev.tcptune.kernel.route;

import static dev.tcptune.kernel.TestResources.text;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

/** {@code ip -json route} output captured in a namespace with a veth and rto_min set. */
class RouteParsingTest {

  private final List<Route> v4 =
      RouteJsonParser.parse(text("route/netns-ipv4.json"), IpFamily.INET);
  private final List<Route> v6 =
      RouteJsonParser.parse(text("route/netns-ipv6.json"), IpFamily.INET6);

  private Route byId(List<Route> routes, String id) {
    return routes.stream().filter(r -> r.id().equals(id)).findFirst().orElseThrow();
  }

  @Test
  void parsesEveryAttribute() {
    Route def = byId(v4, "main/0.0.0.0/0/tcpt-pv1");
    assertThat(def.type()).isEqualTo("unicast");
    assertThat(def.gateway()).hasValue("10.213.9.1");
    assertThat(def.otherMetrics()).containsEntry("mtu", "1400").doesNotContainKey("rto_min");
    assertThat(def.rtoMinMillis()).isEqualTo(OptionalInt.of(50));
    assertThat(def.isDefault()).isTrue();

    Route lo = byId(v4, "local/127.0.0.1/32/lo");
    assertThat(lo.type()).isEqualTo("local");
    assertThat(lo.table()).isEqualTo("local");
    assertThat(lo.protocol()).hasValue("kernel");
    assertThat(lo.scope()).hasValue("host");
    assertThat(lo.prefsrc()).hasValue("127.0.0.1");
    assertThat(lo.rtoMinMillis()).isEqualTo(OptionalInt.of(20));

    Route loV6 = byId(v6, "local/0:0:0:0:0:0:0:1/128/lo/0");
    assertThat(loV6.metric()).isEqualTo(OptionalLong.of(0));
    assertThat(loV6.pref()).hasValue("medium");
    assertThat(loV6.rtoMinMillis()).isEmpty();
  }

  @Test
  void hostCaptureParsesBothFamilies() {
    List<Route> host4 = RouteJsonParser.parse(text("route/host-ipv4.json"), IpFamily.INET);
    List<Route> host6 = RouteJsonParser.parse(text("route/host-ipv6.json"), IpFamily.INET6);
    assertThat(host4).anyMatch(Route::isDefault);
    assertThat(host6).anyMatch(r -> r.isDefault() && r.metric().isPresent());
    assertThat(RouteJsonParser.parse("", IpFamily.INET)).isEmpty();
  }

  @Test
  void changeArgvRebuildsEveryAttribute() {
    Route lo = byId(v4, "local/127.0.0.1/32/lo");
    assertThat(lo.withRtoMin(OptionalInt.of(30)).changeArgv())
        .containsExactly(
            "ip",
            "-4",
            "route",
            "change",
            "local",
            "127.0.0.1",
            "dev",
            "lo",
            "table",
            "local",
            "proto",
            "kernel",
            "scope",
            "host",
            "src",
            "127.0.0.1",
            "rto_min",
            "30ms");
    Route def = byId(v4, "main/0.0.0.0/0/tcpt-pv1");
    assertThat(def.withRtoMin(OptionalInt.empty()).changeArgv())
        .containsExactly(
            "ip",
            "-4",
            "route",
            "change",
            "unicast",
            "default",
            "via",
            "10.213.9.1",
            "dev",
            "tcpt-pv1",
            "table",
            "main",
            "mtu",
            "1400");
    Route loV6 = byId(v6, "local/0:0:0:0:0:0:0:1/128/lo/0");
    assertThat(loV6.withRtoMin(OptionalInt.of(5)).changeArgv())
        .containsSequence("metric", "0", "pref", "medium", "rto_min", "5ms")
        .startsWith("ip", "-6");
  }

  @Test
  void rulesMatchNormalizedDestinationsAndDevices() {
    Route lo = byId(v4, "local/127.0.0.1/32/lo");
    assertThat(RouteRule.to("127.0.0.1", 20).matches(lo)).isTrue();
    assertThat(RouteRule.to("127.0.0.1/32", 20).matches(lo)).isTrue();
    assertThat(new RouteRule("127.0.0.1", Optional.of("eth0"), 20).matches(lo)).isFalse();
    assertThat(new RouteRule("127.0.0.1", Optional.of("lo"), 20).matches(lo)).isTrue();
    assertThat(RouteRule.to("127.0.0.0/8", 20).matches(lo)).isFalse();
    Route broadcast = byId(v4, "local/127.255.255.255/32/lo");
    assertThat(RouteRule.to("127.255.255.255", 20).matches(broadcast)).isFalse();
    assertThat(RouteRule.to("::1", 20).matches(byId(v6, "local/0:0:0:0:0:0:0:1/128/lo/0")))
        .isTrue();
    assertThat(RouteRule.to("0:0::1/128", 20).matches(byId(v6, "local/0:0:0:0:0:0:0:1/128/lo/0")))
        .isTrue();
  }

  @Test
  void defaultMatchesBothFamiliesExplicitCidrOnlyOne() {
    Route def4 = byId(v4, "main/0.0.0.0/0/tcpt-pv1");
    Route def6 =
        new Route(
            IpFamily.INET6,
            "unicast",
            "default",
            Optional.of("fd00::1"),
            Optional.of("eth0"),
            "main",
            Optional.empty(),
            Optional.empty(),
            Optional.empty(),
            OptionalLong.of(1024),
            Optional.of("medium"),
            OptionalLong.empty(),
            List.of(),
            java.util.Map.of(),
            OptionalInt.empty());
    assertThat(RouteRule.to("default", 20).matches(def4)).isTrue();
    assertThat(RouteRule.to("default", 20).matches(def6)).isTrue();
    assertThat(RouteRule.to("0.0.0.0/0", 20).matches(def4)).isTrue();
    assertThat(RouteRule.to("0.0.0.0/0", 20).matches(def6)).isFalse();
    assertThat(RouteRule.to("::/0", 20).matches(def6)).isTrue();
  }

  @Test
  void ruleValidationNamesWhatIsAllowed() {
    assertThat(RouteRule.to("default", 20).validate()).isEmpty();
    assertThat(RouteRule.to("10.0.0.0/8", 1000).validate()).isEmpty();
    assertThat(RouteRule.to("example.com", 20).validate())
        .get()
        .asString()
        .contains("'example.com'", "allowed");
    assertThat(RouteRule.to("10.0.0.0/33", 20).validate()).isPresent();
    assertThat(RouteRule.to("10.0.0.0/8", 0).validate())
        .get()
        .asString()
        .contains("0 ms", "1..1000");
    assertThat(new RouteRule("default", Optional.of("bad name!"), 20).validate())
        .get()
        .asString()
        .contains("'bad name!'");
    // What ip would read as an option or a path, and address labels, are no device names.
    for (String device : new String[] {"-x", ".", "..", "eth0/1", "eth0:1", " eth0", "eth0\n"}) {
      assertThat(new RouteRule("default", Optional.of(device), 20).validate())
          .as(device)
          .isPresent();
    }
    assertThat(new RouteRule("default", Optional.of("veth0.100@x_1"), 20).validate()).isEmpty();
  }
}
