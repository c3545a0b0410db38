package dev.tcptune.kernel.catalog;

/**
 * The unit of a tunable's value, so that messages, the CLI and derived timings can present a number
 * correctly instead of guessing from the key name.
 */
public enum Unit {
  /** A plain count: queue lengths, retries, probes. */
  COUNT,
  /** Seconds. */
  SECONDS,
  /** Milliseconds (route {@code rto_min}). */
  MILLISECONDS,
  /** Microseconds ({@code tcp_rto_min_us}). */
  MICROSECONDS,
  /** A small enumerated mode such as 0/1/2 of {@code tcp_tw_reuse}. */
  MODE,
  /** Two ports {@code "LOW HIGH"}, both within the tunable's min..max, LOW <= HIGH. */
  PORT_RANGE
}
