package dev.tcptune.kernel.apply;

import dev.tcptune.kernel.route.IpFamily;
import dev.tcptune.kernel.route.Route;
import dev.tcptune.kernel.route.RouteChange;
import dev.tcptune.kernel.route.RouteChanges;
import dev.tcptune.kernel.route.RouteSnapshot;
import dev.tcptune.kernel.route.RouteTable;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * A read-only view for the verification right after an apply: the families the apply read back come
 * from its {@link RouteSnapshot}, any other family is listed from the live table. Never kept beyond
 * that one verification: the snapshot is only current until the next write.
 */
final class ReadBackRoutes implements RouteTable {

  private final RouteSnapshot readBack;
  private final RouteTable live;

  ReadBackRoutes(RouteSnapshot readBack, RouteTable live) {
    this.readBack = Objects.requireNonNull(readBack, "readBack");
    this.live = Objects.requireNonNull(live, "live");
  }

  @Override
  public List<Route> routes() {
    return routes(EnumSet.allOf(IpFamily.class));
  }

  @Override
  public List<Route> routes(Set<IpFamily> families) {
    Set<IpFamily> ordered = EnumSet.noneOf(IpFamily.class);
    ordered.addAll(families);
    List<Route> routes = new ArrayList<>();
    for (IpFamily family : ordered) {
      Set<IpFamily> one = EnumSet.of(family);
      routes.addAll(readBack.covers(family) ? readBack.routes(one) : live.routes(one));
    }
    return List.copyOf(routes);
  }

  /** A verification never writes. */
  @Override
  public RouteChanges setRtoMin(List<RouteChange> changes) {
    throw new UnsupportedOperationException("the read-back of an apply is read-only");
  }
}
