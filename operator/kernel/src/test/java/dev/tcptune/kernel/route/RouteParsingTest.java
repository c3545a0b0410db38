package dev.tcptune.kernel.route;

import static dev.tcptune.kernel.TestResources.text;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

/**
 * {@code ip -d route show table all} captured in a namespace holding one route of each shape, and
 * on the host.
 */
class RouteParsingTest {

  private final List<Route> v4 = RouteTextParser.parse(text("route/netns-ipv4.txt"), IpFamily.INET);
  private final List<Route> v6 =
      RouteTextParser.parse(text("route/netns-ipv6.txt"), IpFamily.INET6);

  private static Route byDst(List<Route> routes, String dst) {
    return routes.stream().filter(r -> r.dst().equals(dst)).findFirst().orElseThrow();
  }

  @Test
  void keepsEveryWordOfTheRouteExceptRtoMin() {
    Route viaV6 = byDst(v4, "10.2.0.0/24");
    assertThat(viaV6.attributes())
        .containsExactly(
            "via", "inet6", "fd00::2", "dev", "t0", "table", "main", "proto", "boot", "scope",
            "global");
    assertThat(viaV6.refusal()).isEmpty();
    assertThat(viaV6.id()).isEqualTo("main/10.2.0.0/24/t0");

    Route locked = byDst(v4, "10.3.0.0/24");
    assertThat(locked.attributes()).containsSequence("mtu", "lock", "1400", "initcwnd", "10");

    Route withRto = byDst(v4, "10.9.0.0/24");
    assertThat(withRto.rtoMinMillis()).isEqualTo(OptionalInt.of(50));
    assertThat(withRto.attributes()).doesNotContain("rto_min", "50ms").endsWith("initcwnd", "4");
    assertThat(byDst(v4, "10.10.0.0/24").rtoMinMillis()).isEqualTo(OptionalInt.of(1000));

    Route table100 = byDst(v4, "10.6.0.0/24");
    assertThat(table100.table()).isEqualTo("100");
    assertThat(table100.metric()).isEqualTo(OptionalLong.of(7));
    assertThat(table100.attributes()).endsWith("features", "ecn");

    Route lo = byDst(v4, "127.0.0.1");
    assertThat(lo.type()).isEqualTo("local");
    assertThat(lo.id()).isEqualTo("local/127.0.0.1/32/lo");

    Route loV6 = byDst(v6, "::1");
    assertThat(loV6.id()).isEqualTo("local/0:0:0:0:0:0:0:1/128/lo/0");
    assertThat(byDst(v6, "fd02::/64").attributes())
        .containsSequence("metric", "512", "mtu", "lock", "1300", "pref", "high");
  }

  @Test
  void refusesWhatCannotBeGivenBack() {
    assertThat(byDst(v6, "fd01::/64").refusal()).get().asString().contains("expires");
    assertThat(byDst(v4, "10.5.0.0/24").refusal()).get().asString().contains("multipath");
    assertThat(byDst(v4, "10.15.0.0/24").refusal()).get().asString().contains("encapsulation");
    assertThat(byDst(v4, "10.12.0.0/24").refusal()).get().asString().contains("nexthop object");
    assertThat(
            RouteTextParser.parse(
                    "unicast 10.0.0.0/8 dev eth0 table main proto boot scope link offload\n",
                    IpFamily.INET)
                .get(0)
                .refusal())
        .get()
        .asString()
        .contains("'offload'");
    assertThat(v4.stream().filter(r -> r.refusal().isPresent()).map(Route::dst))
        .containsExactlyInAnyOrder("10.5.0.0/24", "10.12.0.0/24", "10.15.0.0/24");
  }

  @Test
  void hostCaptureParsesBothFamilies() {
    List<Route> host4 = RouteTextParser.parse(text("route/host-ipv4.txt"), IpFamily.INET);
    List<Route> host6 = RouteTextParser.parse(text("route/host-ipv6.txt"), IpFamily.INET6);
    assertThat(host4).anyMatch(Route::isDefault);
    assertThat(host6).isNotEmpty().allMatch(r -> r.metric().isPresent());
    assertThat(RouteTextParser.parse("", IpFamily.INET)).isEmpty();
  }

  @Test
  void changeArgvGivesBackEveryAttributeVerbatim() {
    assertThat(byDst(v4, "10.2.0.0/24").withRtoMin(OptionalInt.of(30)).changeArgv())
        .containsExactly(
            "ip",
            "-4",
            "route",
            "change",
            "unicast",
            "10.2.0.0/24",
            "via",
            "inet6",
            "fd00::2",
            "dev",
            "t0",
            "table",
            "main",
            "proto",
            "boot",
            "scope",
            "global",
            "rto_min",
            "30ms");
    assertThat(byDst(v4, "10.9.0.0/24").withRtoMin(OptionalInt.empty()).changeArgv())
        .endsWith("initcwnd", "4")
        .doesNotContain("rto_min");
    // linkdown is the device's state, not an attribute ip accepts.
    assertThat(byDst(v4, "10.16.0.0/24").changeArgv()).doesNotContain("linkdown");
  }

  @Test
  void rulesMatchNormalizedDestinationsAndDevices() {
    Route lo = byDst(v4, "127.0.0.1");
    assertThat(RouteRule.to("127.0.0.1", 20).matches(lo)).isTrue();
    assertThat(RouteRule.to("127.0.0.1/32", 20).matches(lo)).isTrue();
    assertThat(new RouteRule("127.0.0.1", Optional.of("eth0"), 20).matches(lo)).isFalse();
    assertThat(new RouteRule("127.0.0.1", Optional.of("lo"), 20).matches(lo)).isTrue();
    assertThat(RouteRule.to("127.0.0.0/8", 20).matches(lo)).isFalse();
    Route broadcast = byDst(v4, "127.255.255.255");
    assertThat(RouteRule.to("127.255.255.255", 20).matches(broadcast)).isFalse();
    assertThat(RouteRule.to("::1", 20).matches(byDst(v6, "::1"))).isTrue();
    assertThat(RouteRule.to("0:0::1/128", 20).matches(byDst(v6, "::1"))).isTrue();
  }

  @Test
  void defaultMatchesBothFamiliesExplicitCidrOnlyOne() {
    Route def4 = byDst(v4, "default");
    Route def6 = Route.of(IpFamily.INET6, "unicast", "default", "eth0", "main");
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
    for (String device :
        List.of("bad name!", "-x", "..", ".", "a/b", "eth0 ", "a23456789012345x")) {
      assertThat(new RouteRule("default", Optional.of(device), 20).validate())
          .as(device)
          .get()
          .asString()
          .contains("'" + device + "'", "not allowed");
    }
    assertThat(new RouteRule("default", Optional.of("eth0.100"), 20).validate()).isEmpty();
    assertThat(new RouteRule("default", Optional.of("a23456789012345"), 20).validate()).isEmpty();
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
