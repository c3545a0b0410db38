package dev.tcptune.kernel.route;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The result of {@link RouteTable#setRtoMin(java.util.List)}: one outcome per route asked for, in
 * the order asked, so that one failing route never hides the others, and the routes read back at
 * the end when they are still current.
 *
 * @param outcomes per route (as it was listed before), its outcome
 * @param readBack every route of the families changed, listed after the last change; empty when
 *     some route had to be put back afterwards (the listing is then stale) or it could not be read
 */
public record RouteChanges(
    Map<Route, RouteChangeOutcome> outcomes, Optional<RouteSnapshot> readBack) {

  public RouteChanges {
    outcomes = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(outcomes));
    Objects.requireNonNull(readBack, "readBack");
  }

  /**
   * The outcome of the change of {@code route}.
   *
   * @throws IllegalArgumentException when the route was not part of the batch
   */
  public RouteChangeOutcome outcome(Route route) {
    RouteChangeOutcome outcome = outcomes.get(route);
    if (outcome == null) {
      throw new IllegalArgumentException("route " + route.id() + " was not part of the changes");
    }
    return outcome;
  }
}
