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
public interface RouteTable extends AutoCloseable {

  /** Every IPv4 and IPv6 route of every table. */
  List<Route> routes();

  /** The routes of {@code families} only, of every table. */
  default List<Route> routes(Set<IpFamily> families) {
    return routes().stream().filter(r -> families.contains(r.family())).toList();
  }

  /**
   * Sets (or removes) {@code rto_min} on every route of {@code changes} at once, keeping every
   * other attribute. Each changed route is read back and must equal the route before in everything
   * but {@code rto_min}; if it does not, its original is put back and its change reported failed. A
   * route with a {@link Route#refusal()} is never changed. One failing route never stops or hides
   * the others.
   *
   * @param changes at most one per route id
   * @return one outcome per change, in order (errors name the route and the kernel's message), and
   *     the routes read back after the last change when that listing is still current
   * @throws IllegalArgumentException when two changes name the same route
   */
  RouteChanges setRtoMin(List<RouteChange> changes);

  /**
   * Sets {@code rto_min} on one route (empty removes it): {@link #setRtoMin(List)} of one change.
   *
   * @return the route as read back after the change
   * @throws RouteChangeException naming the route and the kernel's error
   */
  default Optional<Route> setRtoMin(Route route, OptionalInt rtoMinMillis)
      throws RouteChangeException {
    RouteChangeOutcome outcome =
        setRtoMin(List.of(new RouteChange(route, rtoMinMillis))).outcome(route);
    if (outcome.error().isPresent()) {
      throw new RouteChangeException(outcome.error().get());
    }
    return outcome.readBack();
  }

  /** Ends whatever the table keeps running to reach the kernel; nothing by default. */
  @Override
  default void close() {}

  /** Rejects a batch that names one route twice: its outcome would be ambiguous. */
  static void requireDistinct(List<RouteChange> changes) {
    Set<String> ids = new java.util.HashSet<>();
    for (RouteChange change : changes) {
      if (!ids.add(change.route().id())) {
        throw new IllegalArgumentException(
            "route " + change.route().id() + " is changed twice in one batch");
      }
    }
  }
}
