package dev.tcptune.kernel.timing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.tcptune.kernel.catalog.KernelVersion;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

/**
 * The expectations are worked out by hand from the kernel's rules (tcp_timer.c), as the comments
 * show, or are measurements recorded by the ground-truth tests on a 6.18 kernel (HZ=250); they are
 * not taken from the implementation.
 */
class TcpTimingsTest {

  private static final KernelVersion K6_18 = KernelVersion.of(6, 18, 0);
  private static final KernelVersion K6_6 = KernelVersion.of(6, 6, 0);

  private static TcpTimings on(KernelVersion kernel, Map<String, String> values) {
    return TcpTimings.of(values, OptionalInt.empty(), kernel, TcpTimings.RTO_MAX);
  }

  private static TcpTimings withRoute(Map<String, String> values, int rtoMinMillis) {
    return TcpTimings.of(values, OptionalInt.of(rtoMinMillis), K6_18, TcpTimings.RTO_MAX);
  }

  private static void within10Percent(Duration figure, double measuredSeconds) {
    assertThat(figure.toMillis() / 1000.0)
        .as("figure vs measured %s s", measuredSeconds)
        .isCloseTo(measuredSeconds, within(measuredSeconds * 0.10));
  }

  @Test
  void connectOnLinearTimeoutKernelsGivesUpAtTheFirstExpiryPastTheBudgetOrTheCount() {
    // 6.7+: timer expiries at 1, 2, 3, 4, 5 s (4 linear timeouts keep 1 s), then 7, 11, 19 s.
    // syn_retries N: budget 2^(N+1)-1 s from the first SYN, or N+4 retransmissions.
    // N=1: budget 3 s, expiry at 3 s finds it spent. N=2: budget 7 s, expiry at 7 s.
    // N=3: budget 15 s, expiry at 11 s is below it, expiry at 19 s (7 retransmissions sent).
    assertThat(on(K6_18, Map.of("net.ipv4.tcp_syn_retries", "1")).connectGiveUp().earliest())
        .isEqualTo(Duration.ofSeconds(3));
    assertThat(on(K6_18, Map.of("net.ipv4.tcp_syn_retries", "2")).connectGiveUp().earliest())
        .isEqualTo(Duration.ofSeconds(7));
    TcpTimings three = on(K6_18, Map.of("net.ipv4.tcp_syn_retries", "3"));
    assertThat(three.connectBudget()).isEqualTo(Duration.ofSeconds(15));
    // Above 2^6 s (the largest doubling below 120 s) each further retry adds 120 s: 10 retries
    // budget 127 + 4 x 120 s.
    assertThat(on(K6_18, Map.of("net.ipv4.tcp_syn_retries", "10")).connectBudget())
        .isEqualTo(Duration.ofSeconds(127 + 4 * 120));
    assertThat(three.connectGiveUp().earliest()).isEqualTo(Duration.ofSeconds(19));
    assertThat(three.synRetransmissions()).hasSize(7);
    // Default 6: budget 127 s; expiries ... 35, 67 s, then 131 s (10 = 6 + 4 retransmissions).
    assertThat(TcpTimings.defaults(K6_18).connectGiveUp().earliest())
        .isEqualTo(Duration.ofSeconds(131));
  }

  @Test
  void connectFiguresAreWithinTenPercentOfTheMeasuredGiveUps() {
    // Measured by ExplainGroundTruthKernelTest on 6.18 (HZ=250): 3.07 s, 7.12 s, 19.45 s.
    within10Percent(
        on(K6_18, Map.of("net.ipv4.tcp_syn_retries", "1")).connectGiveUp().typical(), 3.07);
    within10Percent(
        on(K6_18, Map.of("net.ipv4.tcp_syn_retries", "2")).connectGiveUp().typical(), 7.12);
    within10Percent(
        on(K6_18, Map.of("net.ipv4.tcp_syn_retries", "3")).connectGiveUp().typical(), 19.45);
  }

  @Test
  void connectBefore67AndWithZeroLinearTimeoutsIsPlainDoubling() {
    // 1 + 2 + 4 + 8 = 15 s for 3 retries; 127 s for 6.
    assertThat(on(K6_6, Map.of("net.ipv4.tcp_syn_retries", "3")).connectGiveUp().earliest())
        .isEqualTo(Duration.ofSeconds(15));
    assertThat(TcpTimings.defaults(K6_6).connectGiveUp().earliest())
        .isEqualTo(Duration.ofSeconds(127));
    assertThat(TcpTimings.defaults(K6_6).synLinearTimeouts()).isZero();
    TcpTimings zero =
        on(K6_18, Map.of("net.ipv4.tcp_syn_retries", "3", "net.ipv4.tcp_syn_linear_timeouts", "0"));
    assertThat(zero.connectGiveUp().earliest()).isEqualTo(Duration.ofSeconds(15));
    // The key does not exist before 6.7: a value for it changes nothing there.
    assertThat(
            on(
                    K6_6,
                    Map.of(
                        "net.ipv4.tcp_syn_retries", "3", "net.ipv4.tcp_syn_linear_timeouts", "9"))
                .connectGiveUp()
                .earliest())
        .isEqualTo(Duration.ofSeconds(15));
  }

  @Test
  void establishedGiveUpIsTheBudgetFromTheFixed200msBaseWhateverTheFloor() {
    // tcp_model_timeout(N, 200 ms): (2^(N+1)-1) x 200 ms up to 2^9 (600 = 120 s / 200 ms), then
    // 120 s per further retry. 15 -> 1023 x 0.2 + 6 x 120 = 924.6 s.
    assertThat(TcpTimings.defaults(K6_18).establishedBudget())
        .isEqualTo(Duration.ofMillis(924_600));
    assertThat(withRoute(Map.of("net.ipv4.tcp_retries2", "3"), 50).establishedBudget())
        .isEqualTo(Duration.ofMillis(3000));
    // Floor 200 ms, retries2 3 (budget 3 s): TLP at about 0.2 s, first RTO retransmission 0.2 s
    // later; then expiries 0.4, 1.2, 2.8 s after it (below 3 s) and 6.0 s: dropped at about 6.4 s.
    TcpTimings t = on(K6_18, Map.of("net.ipv4.tcp_retries2", "3"));
    assertThat(t.establishedGiveUp().typical())
        .isBetween(Duration.ofMillis(6400), Duration.ofMillis(6900));
    assertThat(t.establishedRetransmissions()).isEqualTo(4);
    // An RTO a quarter above the floor reaches the budget one expiry earlier: 250 ms x (2+4+8)
    // = 3.5 s after the first retransmission. The range says so.
    assertThat(t.establishedGiveUp().earliest()).isLessThan(Duration.ofMillis(4500));
  }

  @Test
  void aLowerFloorGivesMoreRetransmissionsInTheSameBudgetNotAnEarlierGiveUp() {
    // Floor 50 ms, budget 3 s: TLP at about 0.05 s, first RTO retransmission 0.05 s later, then
    // expiries 0.1, 0.3, 0.7, 1.5 s after it, and the one at 3.1 s ends the connection: about
    // 3.2 s, not the textbook 50 ms x 15 = 0.75 s.
    TcpTimings low = withRoute(Map.of("net.ipv4.tcp_retries2", "3"), 50);
    TcpTimings normal = on(K6_18, Map.of("net.ipv4.tcp_retries2", "3"));
    assertThat(low.establishedGiveUp().typical())
        .isBetween(Duration.ofMillis(3200), Duration.ofMillis(3700));
    assertThat(low.establishedGiveUp().earliest()).isGreaterThan(Duration.ofMillis(3000));
    assertThat(low.establishedRetransmissions()).isGreaterThan(normal.establishedRetransmissions());
    assertThat(low.establishedGiveUp().typical()).isGreaterThan(low.establishedBudget());
  }

  @Test
  void establishedFiguresAreWithinTenPercentOfTheMeasuredGiveUps() {
    // Measured on 6.18 (HZ=250), retries2 3: 6.80 s with the 200 ms floor, 3.68 s with rto_min
    // 50ms.
    within10Percent(
        on(K6_18, Map.of("net.ipv4.tcp_retries2", "3")).establishedGiveUp().typical(), 6.80);
    within10Percent(
        withRoute(Map.of("net.ipv4.tcp_retries2", "3"), 50).establishedGiveUp().typical(), 3.68);
  }

  @Test
  void anRtoAboveTheFloorReachesTheBudgetInTime() {
    // retries2 8: budget 511 x 200 ms = 102.2 s. An RTO is srtt + rttvar (at least the floor),
    // rounded up to jiffies, so always above 200 ms: after the first retransmission the expiry
    // 510 RTOs later (> 102 s + 510 x 1 ms) passes the budget. Nobody waits for a ninth doubling
    // (another 102 s).
    TcpTimings t = on(K6_18, Map.of("net.ipv4.tcp_retries2", "8"));
    assertThat(t.establishedGiveUp().latest()).isLessThan(Duration.ofSeconds(140));
    assertThat(t.establishedGiveUp().earliest()).isGreaterThan(t.establishedBudget());
  }

  @Test
  void orphanRetriesZeroMeansEightAndUsesTheSameBudget() {
    TcpTimings t = TcpTimings.defaults(K6_18);
    assertThat(t.orphanRetries()).isEqualTo(8);
    // 511 x 200 ms
    assertThat(t.orphanBudget()).isEqualTo(Duration.ofMillis(102_200));
    assertThat(on(K6_18, Map.of("net.ipv4.tcp_orphan_retries", "2")).orphanBudget())
        .isEqualTo(Duration.ofMillis(1400));
  }

  @Test
  void orphanRetriesZeroAreZeroAgainOnceTheRtoReachesTheCeiling() {
    // tcp_write_timeout(): alive = icsk_rto < tcp_rto_max; tcp_orphan_retries(sk, alive) turns 0
    // into 8 only while alive. With a 1 s ceiling (6.15+): expiries about 0.4 s (first RTO
    // retransmission), 0.8 s, 1.6 s (RTO doubled to 1 s, the ceiling), 2.6 s: that one finds the
    // RTO at the ceiling, 0 retries, a 200 ms budget long spent. Measured on 6.18: 2.70 s.
    Map<String, String> zero = Map.of("net.ipv4.tcp_orphan_retries", "0");
    TcpTimings lowCeiling = TcpTimings.of(zero, OptionalInt.empty(), K6_18, Duration.ofSeconds(1));
    within10Percent(lowCeiling.orphanGiveUp().typical(), 2.70);
    // Without it the budget of 8 with a 1 s cap (7 x 200 ms + 6 x 1 s = 7.4 s) would decide.
    assertThat(lowCeiling.orphanGiveUp().latest()).isLessThan(Duration.ofMillis(3500));
    // With the 120 s ceiling the RTO never gets there before the 102.2 s budget of 8 is spent.
    assertThat(on(K6_18, zero).orphanGiveUp().earliest()).isGreaterThan(Duration.ofMillis(102_200));
    // A setting other than 0 stays what it is at the ceiling: an orphan with 2 retries gives up
    // as an established connection with tcp_retries2 2 under the same ceiling.
    Duration ceiling = Duration.ofSeconds(1);
    assertThat(
            TcpTimings.of(
                    Map.of("net.ipv4.tcp_orphan_retries", "2"), OptionalInt.empty(), K6_18, ceiling)
                .orphanGiveUp())
        .isEqualTo(
            TcpTimings.of(Map.of("net.ipv4.tcp_retries2", "2"), OptionalInt.empty(), K6_18, ceiling)
                .establishedGiveUp());
  }

  @Test
  void finWait2AboveTheTimeWaitLengthLivesTwiceTheExcess() {
    // tcp_rcv_state_process(): tmo > 60 s arms the keepalive timer for tmo - 60 s; when it fires,
    // tcp_keepalive_timer() moves the socket to a mini socket for tmo - 60 s again.
    // Measured on 6.18 with tcp_fin_timeout 75: 30.2 s, 30.3 s.
    assertThat(finWait2(75).earliest()).isEqualTo(Duration.ofSeconds(30));
    within10Percent(finWait2(75).typical(), 30.26);
    assertThat(finWait2(120).earliest()).isEqualTo(Duration.ofSeconds(120));
    assertThat(finWait2(180).earliest()).isEqualTo(Duration.ofSeconds(240));
    // Up to 60 s: one mini socket for tcp_fin_timeout (at least 3.5 RTO).
    assertThat(finWait2(60).earliest()).isEqualTo(Duration.ofSeconds(60));
    assertThat(finWait2(0).earliest()).isGreaterThan(Duration.ofMillis(700));
  }

  private static Estimate finWait2(int seconds) {
    return on(K6_18, Map.of("net.ipv4.tcp_fin_timeout", String.valueOf(seconds)))
        .finWait2Lifetime();
  }

  @Test
  void tailLossProbeWaitsTheFloorAlsoAbove200ms() {
    // tcp_schedule_loss_probe(): srtt/4 + tcp_rto_min_us(sk), at most the time left to the RTO.
    // Route rto_min 500 ms, tcp_retries2 1 (budget 600 ms): probe at about 0.5 s, RTO
    // retransmission at about 1 s (retrans_stamp), the next at about 2 s finds the budget spent.
    // Measured on 6.18: 2.04 s.
    TcpTimings t = withRoute(Map.of("net.ipv4.tcp_retries2", "1"), 500);
    assertThat(t.tailLossProbe()).isBetween(Duration.ofMillis(500), Duration.ofMillis(510));
    within10Percent(t.establishedGiveUp().typical(), 2.04);
    // At or below 200 ms nothing changes: the probe waits about the RTO (rto:204).
    assertThat(TcpTimings.defaults(K6_18).tailLossProbe()).isEqualTo(Duration.ofMillis(204));
  }

  @Test
  void synAckTimerIgnoresTcpRtoMaxMs() {
    // reqsk_timer_handler() doubles up to the fixed TCP_RTO_MAX: 1 + 2 + 4 + 8 s with
    // tcp_synack_retries 3 whatever tcp_rto_max_ms says. Measured on 6.18 with 1000: 15.46 s.
    TcpTimings t =
        TcpTimings.of(
            Map.of("net.ipv4.tcp_synack_retries", "3"),
            OptionalInt.empty(),
            K6_18,
            Duration.ofSeconds(1));
    assertThat(t.synAckDrop().earliest()).isEqualTo(Duration.ofSeconds(15));
    within10Percent(t.synAckDrop().typical(), 15.46);
  }

  @Test
  void synAckLastRetransmissionAndDrop() {
    // Request timer: 1 s doubling; retransmission k at 2^k - 1 s; dropped at the next expiry.
    TcpTimings t = TcpTimings.defaults(K6_18);
    assertThat(t.synAckLastRetransmission().earliest()).isEqualTo(Duration.ofSeconds(31));
    assertThat(t.synAckDrop().earliest()).isEqualTo(Duration.ofSeconds(63));
  }

  @Test
  void keepaliveAndFinWait2() {
    TcpTimings t =
        on(
            K6_18,
            Map.of(
                "net.ipv4.tcp_keepalive_time", "60",
                "net.ipv4.tcp_keepalive_intvl", "10",
                "net.ipv4.tcp_keepalive_probes", "6",
                "net.ipv4.tcp_fin_timeout", "30"));
    assertThat(t.deadPeerDetection().earliest()).isEqualTo(Duration.ofSeconds(120));
    assertThat(t.deadPeerDetection().latest()).isGreaterThan(Duration.ofSeconds(120));
    assertThat(t.finWait2Lifetime().earliest()).isEqualTo(Duration.ofSeconds(30));
  }

  @Test
  void estimatesAreOrderedAndPortsCounted() {
    TcpTimings t = TcpTimings.defaults(K6_18);
    for (Estimate e :
        List.of(
            t.connectGiveUp(),
            t.synAckDrop(),
            t.deadPeerDetection(),
            t.establishedGiveUp(),
            t.orphanGiveUp(),
            t.finWait2Lifetime())) {
      assertThat(e.earliest()).isLessThanOrEqualTo(e.typical());
      assertThat(e.typical()).isLessThanOrEqualTo(e.latest());
    }
    assertThat(t.ephemeralPorts()).isEqualTo(60999 - 32768 + 1);
    assertThat(t.maxNewConnectionsPerSecondPerDestination()).isCloseTo(470.53, within(0.01));
  }

  @Test
  void tcpRtoMinUsIsTheFloorFrom611AndIgnoredBefore() {
    Map<String, String> values = Map.of("net.ipv4.tcp_rto_min_us", "50000");
    assertThat(on(K6_18, values).rtoFloor()).isEqualTo(Duration.ofMillis(50));
    assertThat(on(K6_6, values).rtoFloor()).isEqualTo(Duration.ofMillis(200));
    assertThat(withRoute(values, 20).rtoFloor()).isEqualTo(Duration.ofMillis(20));
  }

  @Test
  void badValueNamesTheKey() {
    assertThatThrownBy(() -> on(K6_18, Map.of("net.ipv4.tcp_retries2", "x")))
        .hasMessageContaining("net.ipv4.tcp_retries2")
        .hasMessageContaining("'x'");
  }
}
