package dev.tcptune.explain;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tcptune.kernel.apply.DesiredState;
import dev.tcptune.kernel.apply.Mode;
import dev.tcptune.kernel.catalog.KernelVersion;
import dev.tcptune.kernel.route.IpFamily;
import dev.tcptune.kernel.route.Route;
import dev.tcptune.kernel.route.RouteRule;
import dev.tcptune.kernel.timing.TimingBasis;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

class ExplainerTest {

  private static final TimingBasis K6_18 = TimingBasis.defaultsOf(KernelVersion.of(6, 18, 0));
  private static final TimingBasis K6_6 = TimingBasis.defaultsOf(KernelVersion.of(6, 6, 0));

  private final Explainer explainer = new Explainer();

  private Explanation explain(Map<String, String> sysctls, TimingBasis basis) {
    return explainer.explain("p", DesiredState.ofSysctls(sysctls), basis, ExplainOptions.none());
  }

  @Test
  void saysWhichKernelTheFiguresAreForAndGivesNoWarningsForDefaults() {
    Explanation e = explain(Map.of(), K6_18);

    assertThat(e.facts().get(0))
        .startsWith(
            "figures for Linux 6.18.0 (defaults of kernel 6.18.0): tcp_syn_linear_timeouts 4");
    // 6.7+: 6 + 4 retransmissions, the 10th expiry after 35 s and 67 s comes at 131 s.
    assertThat(e.facts())
        .anyMatch(f -> f.startsWith("connect() to a silent peer fails about 13"))
        .anyMatch(f -> f.contains("SYNs are resent at about 1 s, 2 s, 3 s, 4.1 s, 5.1 s, 7.1 s"));
    assertThat(e.warnings()).isEmpty();
  }

  @Test
  void olderKernelsDoublePlainly() {
    Explanation e = explain(Map.of("net.ipv4.tcp_syn_retries", "3"), K6_6);

    assertThat(e.timings().synLinearTimeouts()).isZero();
    assertThat(e.facts())
        .anyMatch(
            f ->
                f.startsWith("connect() to a silent peer fails about 15")
                    && f.contains("1 s initial RTO doubling"));
  }

  @Test
  void aKeyTheKernelLacksIsSaidToBeIgnored() {
    Explanation e = explain(Map.of("net.ipv4.tcp_syn_linear_timeouts", "0"), K6_6);

    assertThat(e.facts())
        .anyMatch(
            f -> f.startsWith("net.ipv4.tcp_syn_linear_timeouts needs kernel 6.7.0 or later"));
  }

  @Test
  void warnsAboutKeepaliveAtOrAboveTheLoadBalancerIdleTimeout() {
    ExplainOptions lb =
        new ExplainOptions(
            Optional.of(Duration.ofSeconds(120)), Optional.empty(), Optional.empty());

    Explanation bad =
        explainer.explain(
            "p", DesiredState.ofSysctls(Map.of("net.ipv4.tcp_keepalive_time", "120")), K6_18, lb);
    Explanation good =
        explainer.explain(
            "p", DesiredState.ofSysctls(Map.of("net.ipv4.tcp_keepalive_time", "60")), K6_18, lb);

    assertThat(bad.warnings())
        .singleElement()
        .asString()
        .startsWith(
            "spec.keepalive.timeSeconds 120 is not below the load balancer idle timeout 120 s");
    assertThat(good.warnings()).isEmpty();
  }

  @Test
  void warnsAboutLowOrphanRetriesButNotAboutZeroWhichMeansEight() {
    Explanation low = explain(Map.of("net.ipv4.tcp_orphan_retries", "1"), K6_18);
    Explanation zero = explain(Map.of("net.ipv4.tcp_orphan_retries", "0"), K6_18);

    assertThat(low.warnings())
        .singleElement()
        .asString()
        .startsWith("spec.retries.orphan 1 is low");
    assertThat(zero.warnings()).isEmpty();
    assertThat(zero.timings().orphanRetries()).isEqualTo(8);
    assertThat(zero.facts()).anyMatch(f -> f.contains("(tcp_orphan_retries 0, 0 means 8"));
  }

  @Test
  void warnsAboutApplicationTimeoutsShorterThanTheRetransmissions() {
    ExplainOptions app =
        new ExplainOptions(
            Optional.empty(),
            Optional.of(Duration.ofMillis(1500)),
            Optional.of(Duration.ofMillis(250)));

    Explanation e = explainer.explain("p", DesiredState.ofSysctls(Map.of()), K6_18, app);

    // SYNs are resent at 1 s and 2 s: 1.5 s covers one retransmission.
    assertThat(e.warnings()).hasSize(2);
    assertThat(e.warnings().get(0))
        .startsWith(
            "an application connect timeout of 1.5 s leaves room for one SYN retransmission (at"
                + " about 1 s; the next goes out at about 2 s)");
    // A lost segment: TLP after about 200 ms, RTO retransmission about 200 ms later.
    assertThat(e.warnings().get(1))
        .startsWith("an application read timeout of 250 ms is shorter than the retransmission");
  }

  @Test
  void aConnectTimeoutBelowTheFirstSynRetransmissionSurvivesNoLostSyn() {
    ExplainOptions app =
        new ExplainOptions(Optional.empty(), Optional.of(Duration.ofMillis(500)), Optional.empty());

    Explanation e = explainer.explain("p", DesiredState.ofSysctls(Map.of()), K6_18, app);

    assertThat(e.warnings())
        .singleElement()
        .asString()
        .isEqualTo(
            "an application connect timeout of 500 ms is shorter than the first SYN retransmission"
                + " (at about 1 s): one lost SYN fails the connect");
  }

  @Test
  void aConnectTimeoutAboveTheKernelGiveUpIsReported() {
    ExplainOptions app =
        new ExplainOptions(Optional.empty(), Optional.of(Duration.ofSeconds(30)), Optional.empty());

    Explanation e =
        explainer.explain(
            "p", DesiredState.ofSysctls(Map.of("net.ipv4.tcp_syn_retries", "3")), K6_18, app);

    assertThat(e.warnings())
        .singleElement()
        .asString()
        .startsWith("the kernel fails connect() about 19");
  }

  @Test
  void aLowRouteFloorKeepsTheBudgetAndWarnsBelowRfc1122() {
    DesiredState desired =
        DesiredState.of(
            Map.of("net.ipv4.tcp_retries2", "5"),
            List.of(RouteRule.to("10.0.0.0/8", 20)),
            Mode.ENFORCE);
    DesiredState normalFloor = DesiredState.ofSysctls(Map.of("net.ipv4.tcp_retries2", "5"));

    Explanation low = explainer.explain("p", desired, K6_18, ExplainOptions.none());
    Explanation normal = explainer.explain("p", normalFloor, K6_18, ExplainOptions.none());

    // Budget 63 x 200 ms = 12.6 s whatever the floor; the textbook 20 ms x 63 = 1.26 s is wrong.
    assertThat(low.timings().establishedBudget()).isEqualTo(Duration.ofMillis(12_600));
    assertThat(low.timings().establishedGiveUp().earliest())
        .isGreaterThan(Duration.ofMillis(12_600));
    assertThat(low.timings().establishedRetransmissions())
        .isGreaterThan(normal.timings().establishedRetransmissions());
    assertThat(low.warnings())
        .singleElement()
        .asString()
        .startsWith("spec.retries.retries2 5 drops established connections with unanswered data");
  }

  @Test
  void aNamespaceRouteWithItsOwnRtoMinGetsTheFiguresOfThatFloorUnlessARuleSetsIt() {
    Route internal =
        Route.of(IpFamily.INET, "unicast", "10.78.0.0/24", "d0", "main")
            .withRtoMin(OptionalInt.of(50));
    Route tuned =
        Route.of(IpFamily.INET, "unicast", "10.79.0.0/24", "d0", "main")
            .withRtoMin(OptionalInt.of(30));
    Route plain = Route.of(IpFamily.INET, "unicast", "10.80.0.0/24", "d0", "main");
    Map<String, String> sysctls = Map.of("net.ipv4.tcp_retries2", "3");
    DesiredState desired =
        DesiredState.of(sysctls, List.of(RouteRule.to("10.79.0.0/24", 20)), Mode.ENFORCE);

    Explanation e =
        explainer.explain(
            "p", desired, K6_18, List.of(internal, tuned, plain), ExplainOptions.none());

    assertThat(e.routes()).hasSize(1);
    RouteTimings onInternal = e.routes().get(0);
    assertThat(onInternal.rtoMinMillis()).isEqualTo(50);
    assertThat(onInternal.routes()).containsExactly(internal.describe());
    // The same figures as a profile that sets rto_min 50 ms on that route.
    Explanation ruled =
        explainer.explain(
            "p",
            DesiredState.of(sysctls, List.of(RouteRule.to("10.78.0.0/24", 50)), Mode.ENFORCE),
            K6_18,
            ExplainOptions.none());
    assertThat(onInternal.timings().establishedGiveUp())
        .isEqualTo(ruled.timings().establishedGiveUp());
    assertThat(onInternal.timings().orphanGiveUp()).isEqualTo(ruled.timings().orphanGiveUp());
    // The main figures stay those of the profile's own rule.
    assertThat(e.timings().rtoFloor()).isEqualTo(Duration.ofMillis(20));
    assertThat(e.facts())
        .anySatisfy(
            f ->
                assertThat(f)
                    .contains("rto_min 50 ms", "10.78.0.0/24")
                    .contains(Explainer.about(onInternal.timings().establishedGiveUp())));
  }
}
