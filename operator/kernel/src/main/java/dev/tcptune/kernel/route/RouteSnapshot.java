package dev.tcptune.kernel.route;

import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * Every route of some families, as listed at one moment (for instance by the last line of a change
 * batch). Valid only until the next write to the route table; a caller uses it to avoid listing
 * again right after a change, never to cache routes between checks.
 *
 * @param families the families listed whole
 * @param routes every route of those families
 */
public record RouteSnapshot(Set<IpFamily> families, List<Route> routes) {

  public RouteSnapshot {
    Objects.requireNonNull(families, "families");
    families = Set.copyOf(families);
    routes = List.copyOf(routes);
    for (Route route : routes) {
      if (!families.contains(route.family())) {
        throw new IllegalArgumentException(
            "route " + route.id() + " is not of the snapshot's families " + families);
      }
    }
  }

  /** True when every family of {@code wanted} was listed whole. */
  public boolean covers(Set<IpFamily> wanted) {
    return families.containsAll(wanted);
  }

  /** True when {@code family} was listed whole. */
  public boolean covers(IpFamily family) {
    return families.contains(family);
  }

  /** The routes of {@code wanted}, which this snapshot must {@link #covers(Set) cover}. */
  public List<Route> routes(Set<IpFamily> wanted) {
    if (!covers(wanted)) {
      throw new IllegalArgumentException(
          "families " + wanted + ": the snapshot holds only " + families);
    }
    return routes.stream().filter(r -> wanted.contains(r.family())).toList();
  }
}
