package dev.tcptune.kernel.timing;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The kernel's retransmission timer ({@code tcp_retransmit_timer()} and {@code tcp_write_timeout()}
 * in {@code net/ipv4/tcp_timer.c}) run step by step against a peer that never answers. The give-up
 * is decided only when the timer fires: either the retransmission count limit is reached (SYN_SENT
 * only), or {@code retransmits_timed_out()} finds that the time since {@code retrans_stamp} has
 * reached the budget of {@link #budget}. Everything else (how the RTO grows) only decides when the
 * timer fires.
 */
final class RetransmissionTimer {

  private static final int SAFETY_LIMIT = 10_000;

  /**
   * What happened.
   *
   * @param giveUp when the connection was given up (the timer expiry that decided it)
   * @param retransmissions when each RTO retransmission went out
   */
  record Outcome(Duration giveUp, List<Duration> retransmissions) {}

  /**
   * The schedule of one connection.
   *
   * @param armedAt when the RTO timer is first armed (0 for a SYN; after the tail-loss probe for
   *     data)
   * @param rto the first RTO
   * @param stampAtConnect true when {@code retrans_stamp} is the time of the first transmission
   *     (SYN_SENT: set by {@code tcp_connect()}), false when it is the first RTO retransmission
   * @param budget the time budget of {@code retransmits_timed_out()}
   * @param budgetAtCeiling the budget at an expiry that finds the RTO at the ceiling: the same,
   *     except for an orphan whose tcp_orphan_retries 0 means 8 only while its RTO is below the
   *     ceiling ({@code alive} in {@code tcp_write_timeout()}) and 0 once it is there
   * @param maxRetransmissions the count limit ({@code Integer.MAX_VALUE} when only the budget
   *     counts)
   * @param linearTimeouts retransmissions that keep the initial RTO before it doubles ({@code
   *     tcp_syn_linear_timeouts} for SYN_SENT, else 0)
   * @param rtoMax the RTO ceiling
   * @param lateness how far into its timer-wheel bucket each timer fires, 0..1
   */
  record Schedule(
      Duration armedAt,
      Duration rto,
      boolean stampAtConnect,
      Duration budget,
      Duration budgetAtCeiling,
      int maxRetransmissions,
      int linearTimeouts,
      Duration rtoMax,
      double lateness) {}

  private RetransmissionTimer() {}

  static Outcome run(Schedule s) {
    Duration armedAt = s.armedAt();
    Duration rto = min(s.rto(), s.rtoMax());
    Duration stamp = s.stampAtConnect() ? Duration.ZERO : null;
    List<Duration> sent = new ArrayList<>();
    int retransmits = 0;
    while (retransmits < SAFETY_LIMIT) {
      Duration fires = armedAt.plus(rto).plus(late(rto, s.lateness()));
      if (retransmits >= s.maxRetransmissions()) {
        return new Outcome(fires, List.copyOf(sent));
      }
      Duration budget = rto.compareTo(s.rtoMax()) >= 0 ? s.budgetAtCeiling() : s.budget();
      if (retransmits > 0 && fires.minus(stamp).compareTo(budget) >= 0) {
        return new Outcome(fires, List.copyOf(sent));
      }
      if (stamp == null) {
        stamp = fires;
      }
      retransmits++;
      sent.add(fires);
      if (retransmits > s.linearTimeouts()) {
        rto = min(rto.multipliedBy(2), s.rtoMax());
      }
      armedAt = fires;
    }
    throw new IllegalStateException("retransmission model did not end: " + s);
  }

  /**
   * {@code tcp_model_timeout()}: the time {@code boundary} retransmissions would take with an RTO
   * starting at {@code base} and doubling up to {@code rtoMax}. This is the budget that decides the
   * give-up, whatever the RTO of the connection really is.
   */
  static Duration budget(int boundary, Duration base, Duration rtoMax) {
    int threshold = 63 - Long.numberOfLeadingZeros(rtoMax.toMillis() / base.toMillis());
    if (boundary <= threshold) {
      return base.multipliedBy((2L << boundary) - 1);
    }
    return base.multipliedBy((2L << threshold) - 1).plus(rtoMax.multipliedBy(boundary - threshold));
  }

  static Duration late(Duration delay, double fraction) {
    return Duration.ofNanos((long) (TimerWheel.maxLateness(delay).toNanos() * fraction));
  }

  private static Duration min(Duration a, Duration b) {
    return a.compareTo(b) <= 0 ? a : b;
  }
}
