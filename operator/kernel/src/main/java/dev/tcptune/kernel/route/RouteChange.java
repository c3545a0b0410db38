package dev.tcptune.kernel.route;

import java.util.Objects;
import java.util.OptionalInt;

/**
 * One {@code rto_min} change asked of a {@link RouteTable}: a route as it was listed and the value
 * it should get.
 *
 * @param route the route as listed before the change (its other attributes are given back as they
 *     are)
 * @param rtoMinMillis the {@code rto_min} to set; empty removes the attribute
 */
public record RouteChange(Route route, OptionalInt rtoMinMillis) {

  public RouteChange {
    Objects.requireNonNull(route, "route");
    Objects.requireNonNull(rtoMinMillis, "rtoMinMillis");
  }

  /** The route as it should read after the change. */
  public Route wanted() {
    return route.withRtoMin(rtoMinMillis);
  }

  /** {@code "20ms"}, or {@code "removal"} for an empty value; for messages. */
  String describeValue() {
    return rtoMinMillis.isPresent() ? rtoMinMillis.getAsInt() + "ms" : "removal";
  }
}
