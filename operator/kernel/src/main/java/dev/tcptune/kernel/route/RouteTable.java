package dev.tcptune.kernel.route;

import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;

/**
 * The routing tables of one network namespace, as far as tcptune cares: list routes and set or
 * remove their {@code rto_min}. An interface so the planner and applier run against {@link
 * InMemoryRouteTable} in unit tests.
 */
public interface RouteTable {

  /** Every IPv4 and IPv6 route of every table. */
  List<Route> routes();

  /** The routes of {@code families} only, of every table. */
  default List<Route> routes(Set<IpFamily> families) {
    return routes().stream().filter(r -> families.contains(r.family())).toList();
  }

  /**
   * Sets {@code rto_min} on {@code route} (empty removes it), keeping every other attribute.
   *
   * @return the route as read back after the change (empty when it is gone), so that callers need
   *     not list every route again to check it
   * @throws RouteChangeException naming the route and the kernel's error
   */
  Optional<Route> setRtoMin(Route route, OptionalInt rtoMinMillis) throws RouteChangeException;
}
