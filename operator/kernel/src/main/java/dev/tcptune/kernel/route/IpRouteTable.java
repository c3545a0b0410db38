package dev.tcptune.kernel.route;

import dev.tcptune.kernel.exec.CommandResult;
import dev.tcptune.kernel.exec.CommandRunner;
import dev.tcptune.kernel.exec.NetworkNamespace;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * The real {@link RouteTable}: {@code ip -d route show table all} per family to read, and {@code ip
 * route change} with the route's printed attributes to set {@code rto_min}, run inside the given
 * namespace. All changes of one family go to one {@code ip -force -batch -} process whose last line
 * lists the family again: that listing is the check of every change (the route must equal the route
 * before in everything but {@code rto_min}; if not, the original route is put back and the change
 * reported as failed) and is handed to the caller as a {@link RouteSnapshot}. Routes with a {@link
 * Route#refusal()} are never changed.
 */
public final class IpRouteTable implements RouteTable {

  private final CommandRunner runner;
  private final NetworkNamespace namespace;

  public IpRouteTable(CommandRunner runner, NetworkNamespace namespace) {
    this.runner = Objects.requireNonNull(runner, "runner");
    this.namespace = Objects.requireNonNull(namespace, "namespace");
  }

  @Override
  public List<Route> routes() {
    return routes(EnumSet.allOf(IpFamily.class));
  }

  /** One {@code ip} process per family: a profile of IPv4 rules never lists IPv6 routes. */
  @Override
  public List<Route> routes(Set<IpFamily> families) {
    List<Route> routes = new ArrayList<>();
    for (IpFamily family : families) {
      routes.addAll(routes(family));
    }
    return List.copyOf(routes);
  }

  private List<Route> routes(IpFamily family) {
    // An explicit family: without it `ip route show table all` mixes both; -d prints the type;
    // `table all` (not one table) makes ip print the table of every route.
    List<String> argv = List.of("ip", family.ipFlag(), "-d", "route", "show", "table", "all");
    CommandResult result = runner.run(namespace.wrap(argv)).orThrow();
    return RouteTextParser.parse(result.stdout(), family);
  }

  /**
   * One {@code ip -batch} process per family changed: every change of the family, then a listing of
   * the family that serves as the read-back; a second batch only when some route has to be put
   * back.
   */
  @Override
  public RouteChanges setRtoMin(List<RouteChange> changes) {
    RouteTable.requireDistinct(changes);
    Map<Route, RouteChangeOutcome> outcomes = new HashMap<>();
    Map<IpFamily, List<RouteChange>> byFamily = new EnumMap<>(IpFamily.class);
    for (RouteChange change : changes) {
      Route route = change.route();
      if (route.refusal().isPresent()) {
        outcomes.put(
            route,
            RouteChangeOutcome.failed(
                "route " + route.id() + ": not changed, " + route.refusal().get()));
      } else {
        byFamily.computeIfAbsent(route.family(), f -> new ArrayList<>()).add(change);
      }
    }
    Set<IpFamily> listed = EnumSet.noneOf(IpFamily.class);
    List<Route> readBack = new ArrayList<>();
    byFamily.forEach(
        (family, ofFamily) -> {
          FamilyChanges.Result result =
              new FamilyChanges(runner, namespace, family, () -> routes(family)).apply(ofFamily);
          outcomes.putAll(result.outcomes());
          result
              .readBack()
              .ifPresent(
                  routes -> {
                    listed.add(family);
                    readBack.addAll(routes);
                  });
        });
    Map<Route, RouteChangeOutcome> ordered = new LinkedHashMap<>();
    changes.forEach(c -> ordered.put(c.route(), outcomes.get(c.route())));
    return new RouteChanges(
        ordered,
        listed.isEmpty() ? Optional.empty() : Optional.of(new RouteSnapshot(listed, readBack)));
  }
}
