package dev.tcptune.audit;

import dev.tcptune.kernel.apply.ApplyReport;
import dev.tcptune.kernel.apply.DesiredState;
import dev.tcptune.kernel.apply.TuningVerifier;
import dev.tcptune.kernel.catalog.KernelVersion;
import dev.tcptune.kernel.catalog.TunableCatalog;
import dev.tcptune.kernel.route.RouteTable;
import dev.tcptune.kernel.stats.SocketRates;
import dev.tcptune.kernel.stats.SocketSnapshot;
import dev.tcptune.kernel.stats.SocketStatsReader;
import dev.tcptune.kernel.stats.TcpState;
import dev.tcptune.kernel.sysctl.SysctlStore;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Compares one network namespace with a desired state, read-only, and gathers the socket statistics
 * that go with it. Never writes: audit must be safe on any production node.
 */
public final class Auditor {

  /** The counters shown by audit, out of the hundred or so the kernel keeps. */
  static final List<String> COUNTERS =
      List.of(
          "TcpExt.ListenOverflows",
          "TcpExt.ListenDrops",
          "Tcp.RetransSegs",
          "Tcp.OutSegs",
          "TcpExt.TCPSynRetrans",
          "TcpExt.TCPTimeouts",
          "TcpExt.TCPAbortOnTimeout",
          "Tcp.AttemptFails",
          "Tcp.EstabResets",
          "TcpExt.TCPKeepAlive");

  private final SysctlStore sysctls;
  private final RouteTable routes;
  private final SocketStatsReader stats;
  private final KernelVersion kernel;
  private final Sleeper sleeper;

  /** Waits between the two samples of a rate; a seam so tests need not wait. */
  @FunctionalInterface
  public interface Sleeper {
    void sleep(Duration duration) throws InterruptedException;
  }

  public Auditor(
      SysctlStore sysctls,
      RouteTable routes,
      SocketStatsReader stats,
      KernelVersion kernel,
      Sleeper sleeper) {
    this.sysctls = sysctls;
    this.routes = routes;
    this.stats = stats;
    this.kernel = kernel;
    this.sleeper = sleeper;
  }

  /**
   * Audits the namespace.
   *
   * @param rateInterval the time between two socket samples; zero for totals only
   */
  public AuditResult audit(
      String profile, String namespace, DesiredState desired, Duration rateInterval)
      throws InterruptedException {
    ApplyReport report = new TuningVerifier().verify(desired, sysctls, routes, kernel);
    SocketSnapshot first = stats.sample();
    Map<String, Double> rates = new LinkedHashMap<>();
    SocketSnapshot last = first;
    if (!rateInterval.isZero()) {
      sleeper.sleep(rateInterval);
      last = stats.sample();
      SocketRates between = SocketRates.between(first, last);
      COUNTERS.forEach(key -> rates.put(key, between.rate(key)));
    }
    int somaxconn = somaxconn(desired);
    return new AuditResult(
        profile,
        namespace,
        kernel.toString(),
        report,
        sockets(last),
        rates,
        somaxconn,
        stats.listenersBelow(somaxconn));
  }

  /** The somaxconn listeners should have: the profile's, else the namespace's current value. */
  private int somaxconn(DesiredState desired) {
    String key = TunableCatalog.SOMAXCONN.key();
    String value =
        desired
            .sysctls()
            .getOrDefault(key, sysctls.read(key).orElse(TunableCatalog.SOMAXCONN.kernelDefault()));
    return Integer.parseInt(value);
  }

  private static Map<String, Long> sockets(SocketSnapshot snapshot) {
    Map<String, Long> out = new LinkedHashMap<>();
    out.put("established", snapshot.state(TcpState.ESTABLISHED));
    out.put("listen", snapshot.state(TcpState.LISTEN));
    out.put("timeWait", snapshot.timeWait());
    out.put("closeWait", snapshot.closeWait());
    out.put("synRecv", snapshot.state(TcpState.SYN_RECV));
    out.put("finWait1", snapshot.state(TcpState.FIN_WAIT1));
    out.put("finWait2", snapshot.state(TcpState.FIN_WAIT2));
    out.put("orphans", snapshot.orphans());
    COUNTERS.forEach(key -> out.put(key, snapshot.counter(key)));
    return out;
  }
}
