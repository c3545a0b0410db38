package dev.tcptune.kernel.apply;

import dev.tcptune.kernel.route.Route;
import dev.tcptune.kernel.route.RouteChange;
import dev.tcptune.kernel.route.RouteChangeOutcome;
import dev.tcptune.kernel.route.RouteChanges;
import dev.tcptune.kernel.route.RouteSnapshot;
import dev.tcptune.kernel.route.RouteTable;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * The route changes of one apply, made in one {@link RouteTable#setRtoMin(List)} call so that the
 * table can run them all in one process, and the {@code rto_min} to report for a route whose change
 * failed.
 */
final class RouteWrites {

  private final RouteTable table;
  private final RouteChanges changes;
  private List<Route> listedAfterFailure;

  private RouteWrites(RouteTable table, RouteChanges changes) {
    this.table = table;
    this.changes = changes;
  }

  /** Makes {@code wanted}; a table that throws fails every change with its message. */
  static RouteWrites make(RouteTable table, List<RouteChange> wanted) {
    if (wanted.isEmpty()) {
      return new RouteWrites(table, new RouteChanges(Map.of(), Optional.empty()));
    }
    try {
      return new RouteWrites(table, table.setRtoMin(wanted));
    } catch (RuntimeException e) {
      Map<Route, RouteChangeOutcome> failed = new LinkedHashMap<>();
      wanted.forEach(
          c ->
              failed.put(
                  c.route(),
                  RouteChangeOutcome.failed("route " + c.route().id() + ": " + e.getMessage())));
      return new RouteWrites(table, new RouteChanges(failed, Optional.empty()));
    }
  }

  RouteChangeOutcome outcome(Route route) {
    return changes.outcome(route);
  }

  Optional<RouteSnapshot> readBack() {
    return changes.readBack();
  }

  /**
   * The {@code rto_min} of {@code route} now, for the report of a failed change: from the read-back
   * when it covers the route's family, else from one listing shared by every failure of this apply.
   */
  OptionalInt currentRto(Route route) {
    List<Route> routes;
    Optional<RouteSnapshot> readBack = changes.readBack();
    if (readBack.isPresent() && readBack.get().covers(route.family())) {
      routes = readBack.get().routes(EnumSet.of(route.family()));
    } else {
      try {
        if (listedAfterFailure == null) {
          listedAfterFailure = table.routes();
        }
        routes = listedAfterFailure;
      } catch (RuntimeException e) {
        return OptionalInt.empty();
      }
    }
    return routes.stream()
        .filter(r -> r.id().equals(route.id()))
        .findFirst()
        .map(Route::rtoMinMillis)
        .orElse(OptionalInt.empty());
  }
}
