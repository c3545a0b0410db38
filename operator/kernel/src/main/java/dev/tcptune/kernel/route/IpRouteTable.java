package dev.tcptune.kernel.route;

import dev.tcptune.kernel.exec.CommandFailedException;
import dev.tcptune.kernel.exec.CommandResult;
import dev.tcptune.kernel.exec.CommandRunner;
import dev.tcptune.kernel.exec.NetworkNamespace;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;

/**
 * The real {@link RouteTable}: {@code ip -d route show table all} per family to read, and {@code ip
 * route change} with the route's printed attributes to set {@code rto_min}, run inside the given
 * namespace. Every change is checked: the route is read again and must equal the route before in
 * everything but {@code rto_min}; if not, the original route is put back and the change reported as
 * failed. Routes with a {@link Route#refusal()} are never changed.
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

  private List<Route> routes(IpFamily family, String... selector) {
    // An explicit family: without it `ip route show table all` mixes both; -d prints the type;
    // `table all` (not one table) makes ip print the table of every route.
    List<String> argv =
        new ArrayList<>(List.of("ip", family.ipFlag(), "-d", "route", "show", "table", "all"));
    argv.addAll(List.of(selector));
    CommandResult result = runner.run(namespace.wrap(argv)).orThrow();
    return RouteTextParser.parse(result.stdout(), family);
  }

  @Override
  public Optional<Route> setRtoMin(Route route, OptionalInt rtoMinMillis)
      throws RouteChangeException {
    if (route.refusal().isPresent()) {
      throw new RouteChangeException(
          "route " + route.id() + ": not changed, " + route.refusal().get());
    }
    change(route, route.withRtoMin(rtoMinMillis));
    Optional<Route> after = find(route);
    Route expected = route.withRtoMin(rtoMinMillis);
    if (after.isPresent()
        && after.get().type().equals(route.type())
        && after.get().attributes().equals(route.attributes())) {
      return after;
    }
    // The change moved something else (or the route is gone): give the original back.
    String putBack;
    try {
      change(route, route);
      putBack = "the original route was put back";
    } catch (RouteChangeException e) {
      putBack = "putting the original back failed too: " + e.getMessage();
    }
    throw new RouteChangeException(
        "route "
            + route.id()
            + ": the change did not keep the other attributes (wanted '"
            + expected.describe()
            + "', got '"
            + after.map(Route::describe).orElse("no route")
            + "'); "
            + putBack);
  }

  /** The route with the same id now; reads only the routes to its destination. */
  private Optional<Route> find(Route route) {
    return routes(route.family(), "exact", route.dst()).stream()
        .filter(r -> r.id().equals(route.id()))
        .findFirst();
  }

  private void change(Route before, Route wanted) throws RouteChangeException {
    List<String> argv = namespace.wrap(wanted.changeArgv());
    CommandResult result;
    try {
      result = runner.run(argv);
    } catch (CommandFailedException e) {
      throw new RouteChangeException("route " + before.id() + ": " + e.getMessage(), e);
    }
    if (!result.succeeded()) {
      throw new RouteChangeException(
          "route "
              + before.id()
              + ": rto_min "
              + (wanted.rtoMinMillis().isPresent()
                  ? wanted.rtoMinMillis().getAsInt() + "ms"
                  : "removal")
              + " refused: "
              + String.join(" ", argv)
              + ": "
              + result.stderr().strip());
    }
  }
}
