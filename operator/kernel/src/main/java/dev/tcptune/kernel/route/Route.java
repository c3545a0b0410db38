package dev.tcptune.kernel.route;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;

/**
 * One kernel route exactly as {@code ip -d route show} printed it. {@code ip route change} replaces
 * the whole route, so changing {@code rto_min} means giving back every other attribute verbatim:
 * {@link #attributes()} holds them in ip's own words (which ip reads back as they are printed), and
 * a route with anything tcptune cannot give back carries a {@link #refusal()} and is never changed.
 *
 * @param family INET or INET6
 * @param type route type as {@code ip} names it: {@code unicast}, {@code local}, {@code
 *     broadcast}...
 * @param dst destination as {@code ip} prints it: {@code default}, {@code 10.0.0.0/24}, {@code ::1}
 * @param dev output device, empty for multipath routes
 * @param table table name or number
 * @param metric {@code metric} (priority); part of the route's identity
 * @param attributes every word after {@code dst} except {@code rto_min}, as printed ({@code via
 *     inet6 fd00::2 dev eth0 table main proto static mtu lock 1400 ...})
 * @param rtoMinMillis the route's {@code rto_min}, empty when unset (kernel floor 200 ms applies)
 * @param refusal why this route cannot be changed without touching other attributes, if so
 */
public record Route(
    IpFamily family,
    String type,
    String dst,
    Optional<String> dev,
    String table,
    OptionalLong metric,
    List<String> attributes,
    OptionalInt rtoMinMillis,
    Optional<String> refusal) {

  /** Status flags the kernel derives from the device; printed, but not accepted by {@code ip}. */
  static final List<String> DERIVED_FLAGS = List.of("linkdown");

  public Route {
    Objects.requireNonNull(family, "family");
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(dst, "dst");
    Objects.requireNonNull(dev, "dev");
    Objects.requireNonNull(table, "table");
    Objects.requireNonNull(metric, "metric");
    attributes = List.copyOf(attributes);
    Objects.requireNonNull(rtoMinMillis, "rtoMinMillis");
    Objects.requireNonNull(refusal, "refusal");
  }

  /** A plain route {@code TYPE DST dev DEV table TABLE}; for tests and fakes. */
  public static Route of(IpFamily family, String type, String dst, String dev, String table) {
    return new Route(
        family,
        type,
        dst,
        Optional.of(dev),
        table,
        OptionalLong.empty(),
        List.of("dev", dev, "table", table),
        OptionalInt.empty(),
        Optional.empty());
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

  /** This route with another {@code rto_min} (empty removes it). */
  public Route withRtoMin(OptionalInt millis) {
    return new Route(family, type, dst, dev, table, metric, attributes, millis, refusal);
  }

  /**
   * True when {@code other} is this route in everything {@code ip route change} could have moved
   * but {@code rto_min}: the check of every change.
   */
  boolean sameButRtoMin(Route other) {
    return type.equals(other.type) && attributes.equals(other.attributes);
  }

  /** The route as one line, {@code rto_min} included: {@code unicast 10.0.0.0/8 dev eth0 ...}. */
  public String describe() {
    List<String> words = new ArrayList<>(List.of(type, dst));
    words.addAll(attributes);
    rtoMinMillis.ifPresent(ms -> words.addAll(List.of("rto_min", ms + "ms")));
    return String.join(" ", words);
  }

  /**
   * The argv of {@code ip route change} that recreates exactly this route: its printed attributes
   * (without derived status flags) and this route's {@code rto_min}.
   *
   * @throws IllegalStateException for a route with a {@link #refusal()}
   */
  public List<String> changeArgv() {
    refusal.ifPresent(
        why -> {
          throw new IllegalStateException("route " + id() + ": " + why);
        });
    List<String> argv =
        new ArrayList<>(List.of("ip", family.ipFlag(), "route", "change", type, dst));
    attributes.stream().filter(word -> !DERIVED_FLAGS.contains(word)).forEach(argv::add);
    rtoMinMillis.ifPresent(ms -> argv.addAll(List.of("rto_min", ms + "ms")));
    return List.copyOf(argv);
  }
}
