package dev.tcptune.cli;

import dev.tcptune.api.v1alpha1.TcpProfile;
import dev.tcptune.audit.AuditResult;
import dev.tcptune.audit.AuditTable;
import dev.tcptune.audit.Auditor;
import dev.tcptune.kernel.catalog.KernelVersion;
import dev.tcptune.kernel.exec.CommandRunner;
import dev.tcptune.kernel.exec.NetworkNamespace;
import dev.tcptune.kernel.exec.ProcessCommandRunner;
import dev.tcptune.kernel.route.IpRouteTable;
import dev.tcptune.kernel.stats.SocketStatsReader;
import dev.tcptune.kernel.sysctl.ProcSysctlStore;
import dev.tcptune.profile.ProfileFiles;
import dev.tcptune.profile.ProfileTranslator;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code tcptune audit}: compare this machine, or a network namespace, with a profile. Read-only.
 */
@Command(
    name = "audit",
    mixinStandardHelpOptions = true,
    description = {
      "Compares this machine (or a network namespace) with a profile, read-only, and prints per setting"
          + " desired / actual / status, socket statistics and the listeners whose backlog is below somaxconn.",
      "Exit codes: 0 in sync, 1 drift, 2 error."
    })
final class AuditCommand implements Callable<Integer> {

  enum Output {
    table,
    json
  }

  @Spec CommandSpec spec;

  @Option(
      names = {"-f", "--file"},
      paramLabel = "PROFILE",
      description =
          "TcpProfile YAML or JSON file; '-' reads standard input (default: ${DEFAULT-VALUE},"
              + " the kernel defaults).",
      defaultValue = ProfileFiles.BUILTIN_DEFAULT)
  String file;

  @Option(
      names = "--netns",
      paramLabel = "NAME",
      description = "Audit this `ip netns` namespace instead of the current one.")
  String netns;

  @Option(
      names = {"-o", "--output"},
      description = "table or json (default: ${DEFAULT-VALUE}).",
      defaultValue = "table")
  Output output;

  @Option(
      names = "--rate-interval",
      paramLabel = "SECONDS",
      defaultValue = "0",
      description =
          "Take a second socket sample after this many seconds and print counter rates (default: totals only).")
  double rateIntervalSeconds;

  @Override
  public Integer call() throws Exception {
    PrintWriter err = spec.commandLine().getErr();
    PrintWriter out = spec.commandLine().getOut();
    // A bad file throws ProfileFileException: TcpTuneCommand prints its one line and exits 2.
    TcpProfile profile = new ProfileFiles().load(file);
    // Written so that NaN, which every comparison fails, is refused too.
    if (!(rateIntervalSeconds >= 0 && rateIntervalSeconds <= 3600)) {
      err.println(
          "error: --rate-interval: "
              + rateIntervalSeconds
              + " is not allowed (allowed: 0..3600 seconds)");
      return TcpTuneCommand.ERROR;
    }
    NetworkNamespace namespace;
    if (netns == null) {
      namespace = NetworkNamespace.current();
    } else if (!NetworkNamespace.NAME.matcher(netns).matches()
        || !Files.exists(Path.of("/run/netns", netns))) {
      err.println(
          "error: --netns: no network namespace named '" + netns + "' (see `ip netns list`)");
      return TcpTuneCommand.ERROR;
    } else {
      namespace = NetworkNamespace.named(netns);
    }
    CommandRunner runner = new ProcessCommandRunner();
    Auditor auditor =
        new Auditor(
            namespace.isCurrent()
                ? ProcSysctlStore.current()
                : ProcSysctlStore.forNamespace(namespace, runner),
            new IpRouteTable(runner, namespace),
            new SocketStatsReader(namespace, runner, Clock.systemUTC()),
            KernelVersion.running(),
            duration -> Thread.sleep(duration.toMillis()));
    AuditResult result =
        auditor.audit(
            ProfileFiles.displayName(profile),
            netns == null ? "host" : netns,
            ProfileTranslator.desiredState(profile.getSpec()),
            Duration.ofMillis((long) (rateIntervalSeconds * 1000)));
    if (output == Output.json) {
      out.println(Json.MAPPER.writeValueAsString(result));
      out.flush();
    } else {
      AuditTable.print(result, out);
    }
    return result.inSync() ? TcpTuneCommand.IN_SYNC : TcpTuneCommand.DRIFT;
  }
}
