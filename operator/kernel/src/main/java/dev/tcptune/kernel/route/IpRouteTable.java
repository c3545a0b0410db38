package dev.tcptune.kernel.route;

import dev.tcptune.kernel.exec.CommandRunner;
import dev.tcptune.kernel.exec.NetworkNamespace;
import java.time.Duration;
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
 * namespace. All changes of one family go to one {@code ip -force -batch -} batch whose last line
 * lists the family again: that listing is the check of every change (the route must equal the route
 * before in everything but {@code rto_min}; if not, the original route is put back and the change
 * reported as failed) and is handed to the caller as a {@link RouteSnapshot}. Routes with a {@link
 * Route#refusal()} are never changed.
 *
 * <p>Two forms: {@link #IpRouteTable(CommandRunner, NetworkNamespace) one process per listing and
 * batch}, for a command that reads once, and {@link #keepingIp kept ip processes} (one per family,
 * fed batch after batch), for the agent, which lists at every check; {@link #close()} ends them.
 */
public final class IpRouteTable implements RouteTable {

  private final CommandRunner runner;
  private final NetworkNamespace namespace;
  private final IpBatches batches;

  /** A table that starts an {@code ip} process for every listing and every batch. */
  public IpRouteTable(CommandRunner runner, NetworkNamespace namespace) {
    this(runner, namespace, new OneShotIpBatches(runner, namespace));
  }

  IpRouteTable(CommandRunner runner, NetworkNamespace namespace, IpBatches batches) {
    this.runner = Objects.requireNonNull(runner, "runner");
    this.namespace = Objects.requireNonNull(namespace, "namespace");
    this.batches = Objects.requireNonNull(batches, "batches");
  }

  /**
   * A table that keeps one {@code ip -batch} process per family running and sends it every listing
   * and batch; a process that dies or hangs (beyond {@code timeout}) is replaced at the next use.
   *
   * @param runner runs the rare change that cannot be a batch line, in a process of its own
   */
  public static IpRouteTable keepingIp(
      CommandRunner runner, NetworkNamespace namespace, Duration timeout) {
    return new IpRouteTable(runner, namespace, new IpSession(namespace, timeout));
  }

  /** Ends the kept {@code ip} processes, if any; a later call starts them again. */
  @Override
  public void close() {
    batches.close();
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
    return RouteTextParser.parse(batches.list(family), family);
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
              new FamilyChanges(runner, namespace, batches, family, () -> routes(family))
                  .apply(ofFamily);
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
