package dev.tcptune.kernel.route;

import dev.tcptune.kernel.exec.CommandFailedException;
import dev.tcptune.kernel.exec.CommandResult;
import dev.tcptune.kernel.exec.CommandRunner;
import dev.tcptune.kernel.exec.NetworkNamespace;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.OptionalInt;

/**
 * The real {@link RouteTable}: {@code ip -json route show table all} per family to read, and {@code
 * ip route change} with the route's full attribute list to set {@code rto_min}, run inside the
 * given namespace.
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
    List<Route> routes = new ArrayList<>();
    for (IpFamily family : IpFamily.values()) {
      // An explicit family: without it `ip route show table all` mixes IPv6 routes in.
      CommandResult result =
          runner
              .run(
                  namespace.wrap(
                      List.of("ip", family.ipFlag(), "-json", "route", "show", "table", "all")))
              .orThrow();
      routes.addAll(RouteJsonParser.parse(result.stdout(), family));
    }
    return List.copyOf(routes);
  }

  @Override
  public void setRtoMin(Route route, OptionalInt rtoMinMillis) throws RouteChangeException {
    if (route.nhid().isEmpty() && route.dev().isEmpty() && route.gateway().isEmpty()) {
      throw new RouteChangeException(
          "route "
              + route.id()
              + ": has neither device, gateway nor nexthop id; refusing to rebuild it");
    }
    List<String> argv = namespace.wrap(route.withRtoMin(rtoMinMillis).changeArgv());
    CommandResult result;
    try {
      result = runner.run(argv);
    } catch (CommandFailedException e) {
      throw new RouteChangeException("route " + route.id() + ": " + e.getMessage(), e);
    }
    if (!result.succeeded()) {
      throw new RouteChangeException(
          "route "
              + route.id()
              + ": rto_min "
              + (rtoMinMillis.isPresent() ? rtoMinMillis.getAsInt() + "ms" : "removal")
              + " refused: "
              + String.join(" ", argv)
              + ": "
              + result.stderr().strip());
    }
  }
}
