package dev.tcptune.kernel.route;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;

/**
 * A {@link RouteTable} fake for unit tests: a list of routes, changes applied in place, and a knob
 * to make a change of one route fail the way the kernel would. One per test.
 */
public final class InMemoryRouteTable implements RouteTable {

  private final List<Route> routes = new ArrayList<>();
  private final Map<String, String> refusals = new LinkedHashMap<>();
  private final List<String> changes = new ArrayList<>();
  private int listings;

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

  /** How many times the routes were listed: a test sees which reads a caller saved. */
  public int listings() {
    return listings;
  }

  @Override
  public List<Route> routes() {
    listings++;
    return List.copyOf(routes);
  }

  /**
   * Changes in order; a route with a {@link Route#refusal()}, a refused id or no longer here fails
   * alone. The read-back covers the families changed, listed after the last change.
   */
  @Override
  public RouteChanges setRtoMin(List<RouteChange> changes) {
    RouteTable.requireDistinct(changes);
    Map<Route, RouteChangeOutcome> outcomes = new LinkedHashMap<>();
    Set<IpFamily> families = EnumSet.noneOf(IpFamily.class);
    for (RouteChange change : changes) {
      outcomes.put(change.route(), change(change));
      families.add(change.route().family());
    }
    List<Route> after = routes.stream().filter(r -> families.contains(r.family())).toList();
    return new RouteChanges(
        outcomes,
        families.isEmpty() ? Optional.empty() : Optional.of(new RouteSnapshot(families, after)));
  }

  private RouteChangeOutcome change(RouteChange change) {
    Route route = change.route();
    if (route.refusal().isPresent()) {
      return RouteChangeOutcome.failed(
          "route " + route.id() + ": not changed, " + route.refusal().get());
    }
    String reason = refusals.get(route.id());
    if (reason != null) {
      return RouteChangeOutcome.failed("route " + route.id() + ": " + reason);
    }
    OptionalInt rtoMinMillis = change.rtoMinMillis();
    for (int i = 0; i < routes.size(); i++) {
      if (routes.get(i).id().equals(route.id())) {
        routes.set(i, routes.get(i).withRtoMin(rtoMinMillis));
        changes.add(
            route.id()
                + " rto_min="
                + (rtoMinMillis.isPresent() ? String.valueOf(rtoMinMillis.getAsInt()) : "none"));
        return RouteChangeOutcome.changed(routes.get(i));
      }
    }
    return RouteChangeOutcome.failed("route " + route.id() + ": no such route");
  }
}
