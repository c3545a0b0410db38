package dev.tcptune.kernel.route;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;

/**
 * One kernel route with every attribute {@code ip route change} needs to recreate it unchanged.
 * {@code change} replaces the whole route, so an attribute left out here would be silently dropped
 * from the node's routing table when tcptune only meant to set {@code rto_min}.
 *
 * @param family INET or INET6
 * @param type route type as {@code ip} names it: {@code unicast}, {@code local}, {@code
 *     broadcast}...
 * @param dst destination as {@code ip} prints it: {@code default}, {@code 10.0.0.0/24}, {@code ::1}
 * @param gateway {@code via}
 * @param dev output device
 * @param table table name or number ({@code main} when ip omits it)
 * @param protocol {@code proto}
 * @param scope {@code scope}
 * @param prefsrc {@code src}
 * @param metric {@code metric} (priority); part of the route's identity
 * @param pref IPv6 router preference
 * @param nhid nexthop object id when the route uses one
 * @param flags flags such as {@code onlink}
 * @param otherMetrics metrics other than {@code rto_min}, in {@code ip}'s units (ms for rtt/rttvar)
 * @param rtoMinMillis the route's {@code rto_min}, empty when unset (kernel floor 200 ms applies)
 */
public record Route(
    IpFamily family,
    String type,
    String dst,
    Optional<String> gateway,
    Optional<String> dev,
    String table,
    Optional<String> protocol,
    Optional<String> scope,
    Optional<String> prefsrc,
    OptionalLong metric,
    Optional<String> pref,
    OptionalLong nhid,
    List<String> flags,
    Map<String, String> otherMetrics,
    OptionalInt rtoMinMillis) {

  /** Metrics that {@code ip} prints in milliseconds and parses with a unit. */
  private static final List<String> TIME_METRICS = List.of("rtt", "rttvar");

  public Route {
    Objects.requireNonNull(family, "family");
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(dst, "dst");
    Objects.requireNonNull(table, "table");
    flags = List.copyOf(flags);
    otherMetrics = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(otherMetrics));
    Objects.requireNonNull(rtoMinMillis, "rtoMinMillis");
  }

  /** A route with only the essential attributes; mostly for tests and fakes. */
  public static Route of(IpFamily family, String type, String dst, String dev, String table) {
    return new Route(
        family,
        type,
        dst,
        Optional.empty(),
        Optional.ofNullable(dev),
        table,
        Optional.empty(),
        Optional.empty(),
        Optional.empty(),
        OptionalLong.empty(),
        Optional.empty(),
        OptionalLong.empty(),
        List.of(),
        Map.of(),
        OptionalInt.empty());
  }

  /** The destination as canonical CIDR: {@code default -> 0.0.0.0/0}, {@code ::1 -> .../128}. */
  public String dstCidr() {
    return Destinations.canonical(dst, family);
  }

  /** True for a default route of either family. */
  public boolean isDefault() {
    return dstCidr().equals(Destinations.canonical(family.anyCidr(), family));
  }

  /**
   * A stable identity for journals and status: {@code table/dstCidr/dev}, plus {@code /metric} when
   * the route has one (IPv6 routes always do). For example {@code local/127.0.0.1/32/lo}.
   */
  public String id() {
    String base = table + "/" + dstCidr() + "/" + dev.orElse("-");
    return metric.isPresent() ? base + "/" + metric.getAsLong() : base;
  }

  /** Why this route must not be changed, empty when it can be round-tripped exactly. */
  public Optional<String> refusal() {
    return Optional.empty();
  }

  /** This route with another {@code rto_min} (empty removes it). */
  public Route withRtoMin(OptionalInt millis) {
    return new Route(
        family,
        type,
        dst,
        gateway,
        dev,
        table,
        protocol,
        scope,
        prefsrc,
        metric,
        pref,
        nhid,
        flags,
        otherMetrics,
        millis);
  }

  /**
   * The argv of {@code ip route change} that recreates exactly this route.
   *
   * @throws IllegalStateException for routes that cannot be rebuilt (none today)
   */
  public List<String> changeArgv() {
    List<String> argv =
        new ArrayList<>(List.of("ip", family.ipFlag(), "route", "change", type, dst));
    if (nhid.isPresent()) {
      argv.addAll(List.of("nhid", String.valueOf(nhid.getAsLong())));
    } else {
      gateway.ifPresent(g -> argv.addAll(List.of("via", g)));
      dev.ifPresent(d -> argv.addAll(List.of("dev", d)));
    }
    argv.addAll(List.of("table", table));
    protocol.ifPresent(p -> argv.addAll(List.of("proto", p)));
    scope.ifPresent(s -> argv.addAll(List.of("scope", s)));
    prefsrc.ifPresent(s -> argv.addAll(List.of("src", s)));
    metric.ifPresent(m -> argv.addAll(List.of("metric", String.valueOf(m))));
    pref.ifPresent(p -> argv.addAll(List.of("pref", p)));
    if (flags.contains("onlink")) {
      argv.add("onlink");
    }
    otherMetrics.forEach(
        (name, value) -> {
          argv.add(name);
          argv.add(TIME_METRICS.contains(name) ? value + "ms" : value);
        });
    rtoMinMillis.ifPresent(ms -> argv.addAll(List.of("rto_min", ms + "ms")));
    return List.copyOf(argv);
  }
}
