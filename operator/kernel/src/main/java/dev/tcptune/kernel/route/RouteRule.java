package dev.tcptune.kernel.route;

import dev.tcptune.kernel.catalog.TunableCatalog;
import java.util.EnumSet;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * "Routes to this destination get this {@code rto_min}": the per-route RTO floor as a profile
 * states it. A rule matches existing routes (in any table), it never creates one; a rule that
 * matches nothing is an error, because a silently ignored latency setting is worse than a loud one.
 *
 * @param destination {@code default}, an address ({@code 127.0.0.1}) or a CIDR ({@code 10.0.0.0/8})
 * @param device restricts the match to routes through this device
 * @param rtoMillis the {@code rto_min} to set, {@link TunableCatalog#ROUTE_RTO_MIN_MS_MIN}..{@link
 *     TunableCatalog#ROUTE_RTO_MIN_MS_MAX}
 */
public record RouteRule(String destination, Optional<String> device, int rtoMillis) {

  /** Route types that carry TCP; broadcast, multicast, blackhole... are never touched. */
  private static final Set<String> TCP_TYPES = Set.of("unicast", "local");

  /**
   * Interface names {@code ip} reads as a name: never an option ({@code -x}), a path, {@code ..},
   * whitespace or longer than IFNAMSIZ-1.
   */
  private static final Pattern DEVICE = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.@-]{0,14}");

  public RouteRule {
    Objects.requireNonNull(destination, "destination");
    Objects.requireNonNull(device, "device");
  }

  /** A rule without device filter. */
  public static RouteRule to(String destination, int rtoMillis) {
    return new RouteRule(destination, Optional.empty(), rtoMillis);
  }

  /**
   * Checks the destination syntax and the {@code rto_min} range.
   *
   * @return empty when valid, else a message naming the rule, the value and what is allowed
   */
  public Optional<String> validate() {
    if (!destination.equals("default") && Destinations.canonical(destination).isEmpty()) {
      return Optional.of(
          "route rule "
              + this.describe()
              + ": destination '"
              + destination
              + "' is not allowed (allowed: 'default', an IPv4/IPv6 address or CIDR)");
    }
    // The CRD's rule: nothing `ip` could read as an option (-x) or a path (., .., /), no
    // whitespace, no ':' (an address label, never a device), at most IFNAMSIZ - 1 characters.
    if (device.isPresent() && !DEVICE.matcher(device.get()).matches()) {
      return Optional.of(
          "route rule "
              + describe()
              + ": device '"
              + device.get()
              + "' is not allowed (allowed: an interface name of 1..15 characters [A-Za-z0-9_.@-]"
              + " starting with a letter or digit)");
    }
    return TunableCatalog.validateRouteRtoMin(rtoMillis)
        .map(error -> "route rule " + describe() + ": " + error);
  }

  /**
   * The families of the routes this rule can match: {@code default} matches the default route of
   * both, an address only routes of its own family.
   */
  public Set<IpFamily> families() {
    if (destination.equals("default")) {
      return EnumSet.allOf(IpFamily.class);
    }
    return EnumSet.of(destination.contains(":") ? IpFamily.INET6 : IpFamily.INET);
  }

  /** True when {@code route} is one this rule applies to. */
  public boolean matches(Route route) {
    if (!TCP_TYPES.contains(route.type())) {
      return false;
    }
    if (device.isPresent() && !device.equals(route.dev())) {
      return false;
    }
    if (destination.equals("default")) {
      return route.isDefault();
    }
    return Destinations.canonical(destination).map(route.dstCidr()::equals).orElse(false);
  }

  /**
   * How narrowly this rule picks routes; when several rules match one route, the most specific one
   * sets it: a rule for one device (2) over a rule for every device, then a family's default or an
   * address (1) over {@code default}, which matches the default route of both families (0).
   */
  public int specificity() {
    return (device.isPresent() ? 2 : 0) + (destination.equals("default") ? 0 : 1);
  }

  /** Human form: {@code "127.0.0.1 dev lo rto_min 20ms"}. */
  public String describe() {
    return destination + device.map(d -> " dev " + d).orElse("") + " rto_min " + rtoMillis + "ms";
  }
}
