package dev.tcptune.kernel.catalog;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The single list of keys tcptune may write, their sane ranges and the keys it refuses with a
 * reason. The CRD schema uses the same ranges (the constants below), and the agent validates again
 * here because a CRD can be installed without its rules.
 */
public final class TunableCatalog {

  private static final KernelVersion ANY = KernelVersion.of(2, 6, 0);

  public static final Tunable SOMAXCONN =
      entry(
          "net.core.somaxconn",
          Unit.COUNT,
          128,
          65535,
          ANY,
          "caps the accept queue of every listen(); read at listen() time",
          "4096");
  public static final Tunable TCP_MAX_SYN_BACKLOG =
      entry(
          "net.ipv4.tcp_max_syn_backlog",
          Unit.COUNT,
          128,
          262144,
          ANY,
          "caps half-open (SYN_RECV) connections per listener; default scales with memory",
          "2048");
  public static final Tunable TCP_TW_REUSE =
      entry(
          "net.ipv4.tcp_tw_reuse",
          Unit.MODE,
          0,
          2,
          ANY,
          "reuse TIME_WAIT 4-tuples for outgoing connections (0 off, 1 on, 2 loopback only)",
          "2");
  public static final Tunable IP_LOCAL_PORT_RANGE =
      entry(
          "net.ipv4.ip_local_port_range",
          Unit.PORT_RANGE,
          1024,
          65535,
          ANY,
          "ephemeral ports for outgoing connections",
          "32768 60999");
  public static final Tunable TCP_FIN_TIMEOUT =
      entry(
          "net.ipv4.tcp_fin_timeout",
          Unit.SECONDS,
          5,
          300,
          ANY,
          "how long an orphaned FIN_WAIT2 socket lives (at least 3.5 RTO)",
          "60");
  public static final Tunable TCP_KEEPALIVE_TIME =
      entry(
          "net.ipv4.tcp_keepalive_time",
          Unit.SECONDS,
          1,
          32767,
          ANY,
          "idle time before the first keepalive probe (SO_KEEPALIVE sockets only)",
          "7200");
  public static final Tunable TCP_KEEPALIVE_INTVL =
      entry(
          "net.ipv4.tcp_keepalive_intvl",
          Unit.SECONDS,
          1,
          32767,
          ANY,
          "time between unanswered keepalive probes",
          "75");
  public static final Tunable TCP_KEEPALIVE_PROBES =
      entry(
          "net.ipv4.tcp_keepalive_probes",
          Unit.COUNT,
          1,
          127,
          ANY,
          "unanswered keepalive probes before the connection is reset",
          "9");
  public static final Tunable TCP_SYN_RETRIES =
      entry(
          "net.ipv4.tcp_syn_retries",
          Unit.COUNT,
          1,
          10,
          ANY,
          "SYN retransmissions of connect(); with the time budget they imply, when connect() times"
              + " out (6: about 127 s before 6.7, about 131 s from 6.7)",
          "6");
  public static final Tunable TCP_SYN_LINEAR_TIMEOUTS =
      entry(
          "net.ipv4.tcp_syn_linear_timeouts",
          Unit.COUNT,
          0,
          10,
          KernelVersion.of(6, 7, 0),
          "SYN retransmissions of connect() that keep the initial 1 s RTO before it doubles; they"
              + " come on top of tcp_syn_retries",
          "4");
  public static final Tunable TCP_SYNACK_RETRIES =
      entry(
          "net.ipv4.tcp_synack_retries",
          Unit.COUNT,
          1,
          10,
          ANY,
          "SYN+ACK retransmissions of a listener",
          "5");
  public static final Tunable TCP_RETRIES1 =
      entry(
          "net.ipv4.tcp_retries1",
          Unit.COUNT,
          1,
          15,
          ANY,
          "retransmissions after which the route is re-checked",
          "3");
  public static final Tunable TCP_RETRIES2 =
      entry(
          "net.ipv4.tcp_retries2",
          Unit.COUNT,
          3,
          20,
          ANY,
          "how long an established connection with unanswered data retransmits: a time budget from"
              + " a fixed 200 ms base whatever the RTO floor (15: 924.6 s)",
          "15");
  public static final Tunable TCP_ORPHAN_RETRIES =
      entry(
          "net.ipv4.tcp_orphan_retries",
          Unit.COUNT,
          0,
          15,
          ANY,
          "how long an orphaned closing socket retransmits its FIN: a time budget like"
              + " tcp_retries2 (0 means 8 while the socket is alive)",
          "0");
  public static final Tunable TCP_RTO_MIN_US =
      entry(
          "net.ipv4.tcp_rto_min_us",
          Unit.MICROSECONDS,
          1000,
          1000000,
          KernelVersion.of(6, 11, 0),
          "RTO floor of the whole network namespace",
          "200000");

  /** Lowest sane per-route {@code rto_min}, in milliseconds. */
  public static final int ROUTE_RTO_MIN_MS_MIN = 1;

  /** Highest sane per-route {@code rto_min}, in milliseconds. */
  public static final int ROUTE_RTO_MIN_MS_MAX = 1000;

  /**
   * The key that was removed from Linux and that tcptune refuses with {@link #TW_RECYCLE_REASON}.
   */
  public static final String TCP_TW_RECYCLE = "net.ipv4.tcp_tw_recycle";

  /** Why {@link #TCP_TW_RECYCLE} is refused. */
  public static final String TW_RECYCLE_REASON =
      "removed in Linux 4.12: it dropped connections from clients behind NAT because their TCP"
          + " timestamps are not monotonic; use tcp_tw_reuse";

  private static final TunableCatalog STANDARD =
      new TunableCatalog(
          List.of(
              SOMAXCONN,
              TCP_MAX_SYN_BACKLOG,
              TCP_TW_REUSE,
              IP_LOCAL_PORT_RANGE,
              TCP_FIN_TIMEOUT,
              TCP_KEEPALIVE_TIME,
              TCP_KEEPALIVE_INTVL,
              TCP_KEEPALIVE_PROBES,
              TCP_SYN_RETRIES,
              TCP_SYN_LINEAR_TIMEOUTS,
              TCP_SYNACK_RETRIES,
              TCP_RETRIES1,
              TCP_RETRIES2,
              TCP_ORPHAN_RETRIES,
              TCP_RTO_MIN_US),
          Map.of(TCP_TW_RECYCLE, TW_RECYCLE_REASON));

  private final Map<String, Tunable> byKey;
  private final Map<String, String> refused;

  /** A catalog of the given tunables and refused keys (key to reason); mostly for tests. */
  public TunableCatalog(List<Tunable> tunables, Map<String, String> refused) {
    Map<String, Tunable> map = new LinkedHashMap<>();
    for (Tunable t : tunables) {
      if (map.put(t.key(), t) != null) {
        throw new IllegalArgumentException("catalog: key " + t.key() + " is listed twice");
      }
    }
    this.byKey = java.util.Collections.unmodifiableMap(map);
    this.refused = Map.copyOf(refused);
  }

  /** The catalog of tcptune (immutable, shared). */
  public static TunableCatalog standard() {
    return STANDARD;
  }

  /** The tunable for a key, empty for unknown and refused keys. */
  public Optional<Tunable> find(String key) {
    return Optional.ofNullable(byKey.get(key));
  }

  /** Every tunable, in catalog order. */
  public List<Tunable> all() {
    return new ArrayList<>(byKey.values());
  }

  /** The reason a known-but-refused key (such as {@code tcp_tw_recycle}) must not be set. */
  public Optional<String> refusal(String key) {
    return Optional.ofNullable(refused.get(key));
  }

  /**
   * Validates a key and value: unknown keys, refused keys and out-of-range values each give a
   * message that names the key, the value and what is allowed.
   */
  public Optional<String> validate(String key, String value) {
    Optional<String> reason = refusal(key);
    if (reason.isPresent()) {
      return Optional.of(key + ": refused, " + reason.get());
    }
    Tunable tunable = byKey.get(key);
    if (tunable == null) {
      return Optional.of(
          key
              + ": unknown key (value '"
              + value
              + "' not applied; allowed keys: "
              + String.join(", ", byKey.keySet())
              + ")");
    }
    return tunable.validate(value);
  }

  /** Checks a per-route {@code rto_min} in milliseconds against the sane range. */
  public static Optional<String> validateRouteRtoMin(int millis) {
    if (millis < ROUTE_RTO_MIN_MS_MIN || millis > ROUTE_RTO_MIN_MS_MAX) {
      return Optional.of(
          "route rto_min: "
              + millis
              + " ms is outside the allowed range "
              + ROUTE_RTO_MIN_MS_MIN
              + ".."
              + ROUTE_RTO_MIN_MS_MAX
              + " ms");
    }
    return Optional.empty();
  }

  private static Tunable entry(
      String key,
      Unit unit,
      long min,
      long max,
      KernelVersion since,
      String meaning,
      String kernelDefault) {
    return new Tunable(key, key.replace('.', '/'), unit, min, max, since, meaning, kernelDefault);
  }
}
