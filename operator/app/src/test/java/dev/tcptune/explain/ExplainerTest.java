package dev.tcptune.explain;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tcptune.kernel.apply.DesiredState;
import dev.tcptune.kernel.apply.Mode;
import dev.tcptune.kernel.route.RouteRule;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ExplainerTest {

  private final Explainer explainer = new Explainer();

  @Test
  void kernelDefaultsGiveTheTextbookNumbersAndNoWarnings() {
    Explanation e =
        explainer.explain("defaults", DesiredState.ofSysctls(Map.of()), ExplainOptions.none());

    assertThat(e.timings().connectGiveUp()).isEqualTo(Duration.ofSeconds(127));
    assertThat(e.facts())
        .anyMatch(
            f -> f.startsWith("connect() to a silent peer gives up after 127 s (6 SYN retries"));
    assertThat(e.facts())
        .anyMatch(
            f ->
                f.startsWith(
                    "a dead idle peer of a SO_KEEPALIVE socket is found after 2 h 11 min"));
    assertThat(e.facts())
        .anyMatch(
            f ->
                f.startsWith(
                    "an established connection to a dead peer is dropped after about 924.6 s"));
    assertThat(e.warnings()).isEmpty();
  }

  @Test
  void warnsAboutKeepaliveAtOrAboveTheLoadBalancerIdleTimeout() {
    ExplainOptions lb =
        new ExplainOptions(
            Optional.of(Duration.ofSeconds(120)), Optional.empty(), Optional.empty());

    Explanation bad =
        explainer.explain(
            "p", DesiredState.ofSysctls(Map.of("net.ipv4.tcp_keepalive_time", "120")), lb);
    Explanation good =
        explainer.explain(
            "p", DesiredState.ofSysctls(Map.of("net.ipv4.tcp_keepalive_time", "60")), lb);

    assertThat(bad.warnings())
        .singleElement()
        .asString()
        .startsWith(
            "spec.keepalive.timeSeconds 120 is not below the load balancer idle timeout 120 s");
    assertThat(good.warnings()).isEmpty();
  }

  @Test
  void warnsAboutLowOrphanRetriesButNotAboutZeroWhichMeansEight() {
    Explanation low =
        explainer.explain(
            "p",
            DesiredState.ofSysctls(Map.of("net.ipv4.tcp_orphan_retries", "1")),
            ExplainOptions.none());
    Explanation zero =
        explainer.explain(
            "p",
            DesiredState.ofSysctls(Map.of("net.ipv4.tcp_orphan_retries", "0")),
            ExplainOptions.none());

    assertThat(low.warnings())
        .singleElement()
        .asString()
        .startsWith("spec.retries.orphan 1 is low");
    assertThat(zero.warnings()).isEmpty();
    assertThat(zero.timings().orphanRetries()).isEqualTo(8);
  }

  @Test
  void warnsAboutApplicationTimeoutsShorterThanTheRetransmissionSchedule() {
    ExplainOptions app =
        new ExplainOptions(
            Optional.empty(),
            Optional.of(Duration.ofMillis(1500)),
            Optional.of(Duration.ofMillis(250)));

    Explanation e = explainer.explain("p", DesiredState.ofSysctls(Map.of()), app);

    assertThat(e.warnings()).hasSize(2);
    assertThat(e.warnings().get(0))
        .contains("connect timeout of 1.5 s is shorter than the SYN retransmission schedule");
    assertThat(e.warnings().get(1))
        .contains("read timeout of 250 ms is shorter than the RTO floor 200 ms");
  }

  @Test
  void aLowRouteRtoFloorShortensTheEstablishedTimeoutAndWarnsBelowRfc1122() {
    DesiredState desired =
        DesiredState.of(
            Map.of("net.ipv4.tcp_retries2", "5"),
            List.of(RouteRule.to("10.0.0.0/8", 20)),
            Mode.ENFORCE);

    Explanation e = explainer.explain("p", desired, ExplainOptions.none());

    // 20 ms doubling over 6 timeouts: 20+40+80+160+320+640 ms
    assertThat(e.timings().establishedGiveUp()).isEqualTo(Duration.ofMillis(1260));
    assertThat(e.warnings())
        .singleElement()
        .asString()
        .startsWith("spec.retries.retries2 5 drops established connections after about 1.3 s");
  }
}
