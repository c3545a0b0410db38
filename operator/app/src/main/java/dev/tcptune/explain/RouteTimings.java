package dev.tcptune.explain;

import dev.tcptune.kernel.timing.TcpTimings;
import java.util.List;

/**
 * The figures on routes of the namespace that already carry an {@code rto_min} the profile does not
 * set: the kernel takes a route's {@code rto_min} as the RTO floor of its connections, over {@code
 * tcp_rto_min_us}, so their give-up times differ from the namespace's.
 *
 * @param rtoMinMillis the routes' {@code rto_min}
 * @param routes the routes, as {@code ip route} prints them
 * @param timings the figures with that floor
 */
public record RouteTimings(int rtoMinMillis, List<String> routes, TcpTimings timings) {

  public RouteTimings {
    routes = List.copyOf(routes);
  }
}
