package dev.tcptune.kernel.apply;

import java.util.Objects;
import java.util.OptionalInt;

/**
 * The {@code rto_min} a route had before tcptune first changed it; empty means "no attribute", and
 * restoring it removes the attribute rather than writing 200 ms.
 *
 * @param routeId {@link dev.tcptune.kernel.route.Route#id()}
 * @param rtoMinMillis the original value, empty when unset
 */
public record RouteOriginal(String routeId, OptionalInt rtoMinMillis) {

  public RouteOriginal {
    Objects.requireNonNull(routeId, "routeId");
    Objects.requireNonNull(rtoMinMillis, "rtoMinMillis");
  }
}
