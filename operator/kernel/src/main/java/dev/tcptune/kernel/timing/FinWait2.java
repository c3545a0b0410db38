package dev.tcptune.kernel.timing;

import java.time.Duration;

/**
 * How long an orphaned FIN_WAIT2 socket lives ({@code tcp_rcv_state_process()} in {@code
 * tcp_input.c} when the FIN is acknowledged after close(), and {@code tcp_keepalive_timer()} in
 * {@code tcp_timer.c}). The timeout {@code tmo} is {@code tcp_fin_time()}: tcp_fin_timeout, but at
 * least 3.5 RTO.
 *
 * <ul>
 *   <li>{@code tmo} up to the TIME_WAIT length (60 s): the socket becomes a TIME_WAIT-like mini
 *       socket that lives {@code tmo}.
 *   <li>above it: the full socket waits on its keepalive timer for {@code tmo - 60 s}; when that
 *       fires, {@code tcp_keepalive_timer()} computes the remainder again as {@code tmo - 60 s}
 *       (not 60 s) and hands it to the mini socket. The socket lives {@code 2 x (tmo - 60 s)}: less
 *       than tcp_fin_timeout below 120 s (75 s gives 30 s, measured on 6.18), more above.
 * </ul>
 */
final class FinWait2 {

  /** {@code TCP_TIMEWAIT_LEN}. */
  private static final Duration TIMEWAIT_LEN = TcpTimings.TIME_WAIT;

  private FinWait2() {}

  /**
   * The lifetime from close() (the FIN's acknowledgement on a LAN comes at once).
   *
   * @param finTimeoutSeconds tcp_fin_timeout
   * @param rto the socket's RTO
   * @param lateness how far into its timer-wheel bucket each timer fires, 0..1
   */
  static Duration lifetime(long finTimeoutSeconds, Duration rto, double lateness) {
    // tcp_fin_time(), and the floor tcp_time_wait() puts on a mini socket's timeout
    Duration minimum = rto.multipliedBy(4).minus(rto.dividedBy(2));
    Duration tmo = max(Duration.ofSeconds(finTimeoutSeconds), minimum);
    if (tmo.compareTo(TIMEWAIT_LEN) <= 0) {
      return timer(tmo, lateness);
    }
    Duration remainder = tmo.minus(TIMEWAIT_LEN);
    return timer(remainder, lateness).plus(timer(max(remainder, minimum), lateness));
  }

  private static Duration timer(Duration delay, double lateness) {
    return delay.plus(RetransmissionTimer.late(delay, lateness));
  }

  private static Duration max(Duration a, Duration b) {
    return a.compareTo(b) >= 0 ? a : b;
  }
}
