package dev.tcptune.kernel.timing;

import dev.tcptune.kernel.catalog.Tunable;
import dev.tcptune.kernel.catalog.TunableCatalog;
import dev.tcptune.kernel.sysctl.SysctlValues;
import java.time.Duration;
import java.util.Map;
import java.util.OptionalInt;

/**
 * The timings that TCP settings imply ("connect gives up after 127 s"), so that a profile can be
 * explained before it is applied. Pure: computed from effective values, with catalog defaults for
 * keys not given. Models the kernel's exponential backoff: initial RTO 1 s for SYN and SYN+ACK, the
 * RTO floor for established connections, each retry doubling, capped at 120 s.
 *
 * @param connectGiveUp when {@code connect()} fails with ETIMEDOUT against a silent peer
 * @param synAckGiveUp when a listener stops retransmitting SYN+ACK
 * @param deadPeerDetection keepalive time + intvl * probes (SO_KEEPALIVE sockets)
 * @param establishedGiveUp when an established connection with unanswered data is dropped
 * @param rtoFloor the RTO floor used (route rto_min, else tcp_rto_min_us, else 200 ms)
 * @param orphanRetries effective FIN retries of orphaned sockets (0 means 8)
 * @param orphanGiveUp when an orphaned FIN_WAIT1 socket is dropped
 * @param finWait2Timeout lifetime of an orphaned FIN_WAIT2 socket
 * @param ephemeralPorts ports in ip_local_port_range
 * @param maxNewConnectionsPerSecondPerDestination ports / 60 s TIME_WAIT, without tw_reuse
 */
public record TcpTimings(
    Duration connectGiveUp,
    Duration synAckGiveUp,
    Duration deadPeerDetection,
    Duration establishedGiveUp,
    Duration rtoFloor,
    int orphanRetries,
    Duration orphanGiveUp,
    Duration finWait2Timeout,
    long ephemeralPorts,
    double maxNewConnectionsPerSecondPerDestination) {

  /** The kernel's initial RTO for SYN and SYN+ACK. */
  public static final Duration INITIAL_RTO = Duration.ofSeconds(1);

  /** The kernel's RTO ceiling. */
  public static final Duration RTO_MAX = Duration.ofSeconds(120);

  /** The kernel's default RTO floor. */
  public static final Duration RTO_MIN_DEFAULT = Duration.ofMillis(200);

  /** TIME_WAIT length (fixed in the kernel). */
  public static final Duration TIME_WAIT = Duration.ofSeconds(60);

  /**
   * Computes the timings.
   *
   * @param effective sysctl key to value; missing keys take the catalog's kernel default
   * @param routeRtoMinMillis a route's {@code rto_min}, which overrides tcp_rto_min_us when given
   * @throws IllegalArgumentException naming the key and value when a value is not a number
   */
  public static TcpTimings of(Map<String, String> effective, OptionalInt routeRtoMinMillis) {
    int synRetries = (int) number(effective, TunableCatalog.TCP_SYN_RETRIES);
    int synAckRetries = (int) number(effective, TunableCatalog.TCP_SYNACK_RETRIES);
    long keepaliveTime = number(effective, TunableCatalog.TCP_KEEPALIVE_TIME);
    long keepaliveIntvl = number(effective, TunableCatalog.TCP_KEEPALIVE_INTVL);
    long keepaliveProbes = number(effective, TunableCatalog.TCP_KEEPALIVE_PROBES);
    int retries2 = (int) number(effective, TunableCatalog.TCP_RETRIES2);
    int orphan = (int) number(effective, TunableCatalog.TCP_ORPHAN_RETRIES);
    long finTimeout = number(effective, TunableCatalog.TCP_FIN_TIMEOUT);
    Duration floor =
        routeRtoMinMillis.isPresent()
            ? Duration.ofMillis(routeRtoMinMillis.getAsInt())
            : Duration.ofNanos(number(effective, TunableCatalog.TCP_RTO_MIN_US) * 1000);
    String[] ports = value(effective, TunableCatalog.IP_LOCAL_PORT_RANGE).split(" ");
    long portCount = Long.parseLong(ports[1]) - Long.parseLong(ports[0]) + 1;
    int orphanEffective = orphan == 0 ? 8 : orphan;
    return new TcpTimings(
        backoff(INITIAL_RTO, synRetries),
        backoff(INITIAL_RTO, synAckRetries),
        Duration.ofSeconds(keepaliveTime + keepaliveIntvl * keepaliveProbes),
        backoff(floor, retries2),
        floor,
        orphanEffective,
        backoff(floor, orphanEffective),
        Duration.ofSeconds(finTimeout),
        portCount,
        portCount / (double) TIME_WAIT.toSeconds());
  }

  /** Timings of a fresh namespace (every key at its kernel default). */
  public static TcpTimings defaults() {
    return of(Map.of(), OptionalInt.empty());
  }

  /**
   * Total time until the last of {@code retries} retransmissions times out: the sum over i = 0..n
   * of min(base * 2^i, 120 s).
   */
  public static Duration backoff(Duration base, int retries) {
    Duration total = Duration.ZERO;
    Duration rto = base;
    for (int i = 0; i <= retries; i++) {
      total = total.plus(rto.compareTo(RTO_MAX) > 0 ? RTO_MAX : rto);
      if (rto.compareTo(RTO_MAX) < 0) {
        rto = rto.multipliedBy(2);
      }
    }
    return total;
  }

  private static String value(Map<String, String> effective, Tunable tunable) {
    String raw = effective.get(tunable.key());
    return SysctlValues.normalize(raw == null ? tunable.kernelDefault() : raw);
  }

  private static long number(Map<String, String> effective, Tunable tunable) {
    String v = value(effective, tunable);
    try {
      return Long.parseLong(v);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(tunable.key() + ": '" + v + "' is not an integer", e);
    }
  }
}
