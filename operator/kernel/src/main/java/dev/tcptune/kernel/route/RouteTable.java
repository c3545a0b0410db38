package dev.tcptune.kernel.route;

import java.util.List;
import java.util.OptionalInt;

/**
 * The routing tables of one network namespace, as far as tcptune cares: list routes and set or
 * remove their {@code rto_min}. An interface so the planner and applier run against {@link
 * InMemoryRouteTable} in unit tests.
 */
public interface RouteTable {

  /** Every IPv4 and IPv6 route of every table. */
  List<Route> routes();

  /**
   * Sets {@code rto_min} on {@code route} (empty removes it), keeping every other attribute.
   *
   * @throws RouteChangeException naming the route and the kernel's error
   */
  void setRtoMin(Route route, OptionalInt rtoMinMillis) throws RouteChangeException;
}
