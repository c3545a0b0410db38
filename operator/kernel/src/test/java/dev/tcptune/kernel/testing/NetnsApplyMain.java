package dev.tcptune.kernel.testing;

import dev.tcptune.kernel.apply.ApplyReport;
import dev.tcptune.kernel.apply.DesiredState;
import dev.tcptune.kernel.apply.InMemoryOriginalsJournal;
import dev.tcptune.kernel.apply.Plan;
import dev.tcptune.kernel.apply.SettingResult;
import dev.tcptune.kernel.apply.TuningApplier;
import dev.tcptune.kernel.apply.TuningPlanner;
import dev.tcptune.kernel.catalog.KernelVersion;
import dev.tcptune.kernel.exec.NamespaceGuard;
import dev.tcptune.kernel.exec.NetworkNamespace;
import dev.tcptune.kernel.exec.ProcessCommandRunner;
import dev.tcptune.kernel.route.IpRouteTable;
import dev.tcptune.kernel.sysctl.ProcSysctlStore;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The agent's apply path in a process of its own, so kernel tests can start it inside a namespace
 * ({@code ip netns exec NS java -cp ... NetnsApplyMain ...}): the namespace check, then plan and
 * apply with {@link ProcSysctlStore#current()}, which writes /proc/sys of this process's namespace.
 *
 * <p>Arguments: {@code --netns NAME} or {@code --host PATH} (the host reference, e.g. {@code
 * /proc/PID/ns/net} of a process known to be in the host namespace), optionally {@code --check}
 * (check only, write nothing), then {@code key=value} pairs. Exit 0 after an apply (one line per
 * key: {@code key status actual}), 3 when the namespace check refuses.
 */
public final class NetnsApplyMain {

  private NetnsApplyMain() {}

  public static void main(String[] args) throws Exception {
    NetworkNamespace target = NetworkNamespace.current();
    Path host = Path.of("/proc/1/ns/net");
    boolean checkOnly = false;
    Map<String, String> sysctls = new LinkedHashMap<>();
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--netns" -> target = NetworkNamespace.named(args[++i]);
        case "--host" -> host = Path.of(args[++i]);
        case "--check" -> checkOnly = true;
        default -> {
          int eq = args[i].indexOf('=');
          sysctls.put(args[i].substring(0, eq), args[i].substring(eq + 1));
        }
      }
    }
    NamespaceGuard guard =
        new NamespaceGuard(
            Path.of("/proc/self/ns/net"),
            Path.of("/proc/self/ns/pid"),
            host,
            Path.of("/run/netns"));
    var refusal = guard.check(target);
    if (refusal.isPresent()) {
      System.out.println("REFUSED " + refusal.get());
      System.exit(3);
    }
    if (checkOnly) {
      System.out.println("OK");
      return;
    }
    ProcSysctlStore store = ProcSysctlStore.current();
    IpRouteTable routes =
        new IpRouteTable(
            new ProcessCommandRunner(Duration.ofSeconds(20)), NetworkNamespace.current());
    Plan plan =
        new TuningPlanner()
            .plan(DesiredState.ofSysctls(sysctls), store, routes, KernelVersion.running());
    ApplyReport report =
        new TuningApplier(store, routes).apply(plan, new InMemoryOriginalsJournal());
    for (SettingResult r : report.settings()) {
      System.out.println(r.key() + " " + r.status() + " " + r.actual().orElse("-"));
    }
  }
}
