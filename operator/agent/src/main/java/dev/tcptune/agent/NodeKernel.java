package dev.tcptune.agent;

import dev.tcptune.kernel.catalog.KernelVersion;
import dev.tcptune.kernel.exec.CommandRunner;
import dev.tcptune.kernel.exec.NetworkNamespace;
import dev.tcptune.kernel.exec.ProcFiles;
import dev.tcptune.kernel.exec.ProcessCommandRunner;
import dev.tcptune.kernel.route.IpRouteTable;
import dev.tcptune.kernel.route.RouteTable;
import dev.tcptune.kernel.stats.Listener;
import dev.tcptune.kernel.stats.SocketSnapshot;
import dev.tcptune.kernel.stats.SocketStatsReader;
import dev.tcptune.kernel.sysctl.ProcSysctlStore;
import dev.tcptune.kernel.sysctl.SysctlStore;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Objects;
import java.util.function.IntFunction;
import java.util.function.Supplier;

/**
 * What the agent tunes and samples: the kernel it runs on ({@link #running}), or in-memory fakes
 * when many simulated nodes share one JVM (the scale benchmark).
 *
 * @param sysctls where sysctls are read and written
 * @param routes the route table whose {@code rto_min} is changed; closed with the agent
 * @param version decides which keys this kernel supports
 * @param release reported in status as the node's kernel
 * @param sockets one sample of the socket counters
 * @param listenersBelow listeners whose backlog is below a given somaxconn
 */
public record NodeKernel(
    SysctlStore sysctls,
    RouteTable routes,
    KernelVersion version,
    String release,
    Supplier<SocketSnapshot> sockets,
    IntFunction<List<Listener>> listenersBelow) {

  public NodeKernel {
    Objects.requireNonNull(sysctls, "sysctls");
    Objects.requireNonNull(routes, "routes");
    Objects.requireNonNull(version, "version");
    Objects.requireNonNull(release, "release");
    Objects.requireNonNull(sockets, "sockets");
    Objects.requireNonNull(listenersBelow, "listenersBelow");
  }

  /** The kernel of this process's network namespace, /proc/sys rooted at the configured path. */
  static NodeKernel running(AgentConfig config, CommandRunner runner, Clock clock) {
    KernelVersion version = KernelVersion.running();
    SocketStatsReader reader = new SocketStatsReader(NetworkNamespace.current(), runner, clock);
    return new NodeKernel(
        ProcSysctlStore.rootedAt(config.procSys()),
        // Listed at every check: kept ip processes rather than one started each time.
        IpRouteTable.keepingIp(
            runner, NetworkNamespace.current(), ProcessCommandRunner.DEFAULT_TIMEOUT),
        version,
        release(version),
        reader::sample,
        reader::listenersBelow);
  }

  private static String release(KernelVersion fallback) {
    try {
      return ProcFiles.read(Path.of("/proc/sys/kernel/osrelease")).strip();
    } catch (IOException e) {
      return fallback.toString();
    }
  }
}
