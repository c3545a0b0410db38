package dev.tcptune.kernel.route;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * A {@link RouteTable} fake for unit tests: a list of routes, changes applied in place, and a knob
 * to make a change of one route fail the way the kernel would. One per test.
 */
public final class InMemoryRouteTable implements RouteTable {

  private final List<Route> routes = new ArrayList<>();
  private final Map<String, String> refusals = new LinkedHashMap<>();
  private final List<String> changes = new ArrayList<>();

  public InMemoryRouteTable(List<Route> initial) {
    routes.addAll(initial);
  }

  /** Makes every change of the route with {@code routeId} fail with {@code reason}. */
  public InMemoryRouteTable refuseChanges(String routeId, String reason) {
    refusals.put(routeId, reason);
    return this;
  }

  /** Replaces (or adds) a route, as a CNI plugin or DHCP client would behind our back. */
  public InMemoryRouteTable put(Route route) {
    routes.removeIf(r -> r.id().equals(route.id()));
    routes.add(route);
    return this;
  }

  /** Every successful change, as {@code "routeId rto_min=N|none"}, in order. */
  public List<String> changes() {
    return List.copyOf(changes);
  }

  @Override
  public List<Route> routes() {
    return List.copyOf(routes);
  }

  @Override
  public Optional<Route> setRtoMin(Route route, OptionalInt rtoMinMillis)
      throws RouteChangeException {
    String reason = refusals.get(route.id());
    if (reason != null) {
      throw new RouteChangeException("route " + route.id() + ": " + reason);
    }
    for (int i = 0; i < routes.size(); i++) {
      if (routes.get(i).id().equals(route.id())) {
        routes.set(i, routes.get(i).withRtoMin(rtoMinMillis));
        changes.add(
            route.id()
                + " rto_min="
                + (rtoMinMillis.isPresent() ? String.valueOf(rtoMinMillis.getAsInt()) : "none"));
        return Optional.of(routes.get(i));
      }
    }
    throw new RouteChangeException("route " + route.id() + ": no such route");
  }
}
