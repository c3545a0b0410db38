package dev.tcptune.cli;

import dev.tcptune.api.v1alpha1.TcpProfile;
import dev.tcptune.explain.ExplainOptions;
import dev.tcptune.explain.Explainer;
import dev.tcptune.explain.Explanation;
import dev.tcptune.kernel.catalog.KernelVersion;
import dev.tcptune.kernel.exec.NetworkNamespace;
import dev.tcptune.kernel.exec.ProcessCommandRunner;
import dev.tcptune.kernel.route.IpRouteTable;
import dev.tcptune.kernel.route.Route;
import dev.tcptune.kernel.sysctl.ProcSysctlStore;
import dev.tcptune.kernel.timing.TimingBasis;
import dev.tcptune.profile.ProfileFiles;
import dev.tcptune.profile.ProfileTranslator;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code tcptune explain}: what a profile's values mean, and which are risky. Touches nothing. */
@Command(
    name = "explain",
    mixinStandardHelpOptions = true,
    description =
        "Prints what a profile implies on the running kernel (connect() fails after N s, a dead peer"
            + " is found after N s, ...), with the range the kernel's timers allow, and warns about"
            + " risky values. Values the profile does not set are read from this machine's network"
            + " namespace (or --netns NAME), or are the defaults of --kernel VERSION.")
final class ExplainCommand implements Callable<Integer> {

  enum Output {
    text,
    json
  }

  @Spec CommandSpec spec;

  @Option(
      names = {"-f", "--file"},
      required = true,
      paramLabel = "PROFILE",
      description = "TcpProfile YAML or JSON file; '-' reads standard input.")
  String file;

  @Option(
      names = "--lb-idle-timeout",
      paramLabel = "SECONDS",
      description =
          "Idle timeout of a load balancer or NAT on the path; warns when keepalive does not probe before it.")
  Integer lbIdleTimeoutSeconds;

  @Option(
      names = "--app-connect-timeout",
      paramLabel = "MILLIS",
      description = "The applications' connect timeout.")
  Long appConnectTimeoutMillis;

  @Option(
      names = "--app-read-timeout",
      paramLabel = "MILLIS",
      description = "The applications' read timeout.")
  Long appReadTimeoutMillis;

  @Option(
      names = "--netns",
      paramLabel = "NAME",
      description =
          "Read the values the profile does not set from this `ip netns` namespace instead of the"
              + " current one.")
  String netns;

  @Option(
      names = "--kernel",
      paramLabel = "VERSION",
      description =
          "Explain for this kernel version (e.g. 6.6) with its defaults for the values the profile"
              + " does not set, without reading this machine (for example for another node).")
  String kernel;

  @Option(
      names = {"-o", "--output"},
      description = "text or json (default: ${DEFAULT-VALUE}).",
      defaultValue = "text")
  Output output;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    // A bad file throws ProfileFileException: TcpTuneCommand prints its one line and exits 2.
    TcpProfile profile = new ProfileFiles().load(file);
    ExplainOptions options =
        new ExplainOptions(
            positive(
                lbIdleTimeoutSeconds == null ? null : lbIdleTimeoutSeconds * 1000L,
                "--lb-idle-timeout"),
            positive(appConnectTimeoutMillis, "--app-connect-timeout"),
            positive(appReadTimeoutMillis, "--app-read-timeout"));
    TimingBasis basis = basis();
    Explanation explanation =
        new Explainer()
            .explain(
                ProfileFiles.displayName(profile),
                ProfileTranslator.desiredState(profile.getSpec()),
                basis,
                kernel == null ? routesWithRtoMin() : List.of(),
                options);
    if (output == Output.json) {
      out.println(Json.EXPLAIN.writeValueAsString(explanation));
    } else {
      out.printf("Profile %s:%n", explanation.profile());
      explanation.facts().forEach(f -> out.println("  - " + f));
      out.println(explanation.warnings().isEmpty() ? "No warnings." : "Warnings:");
      explanation.warnings().forEach(w -> out.println("  ! " + w));
    }
    out.flush();
    return TcpTuneCommand.IN_SYNC;
  }

  /** The kernel and the values of unset keys: --kernel defaults, a namespace, or this machine. */
  private TimingBasis basis() {
    if (kernel != null && netns != null) {
      throw new IllegalArgumentException(
          "--kernel: not allowed together with --netns (allowed: one of them, or neither)");
    }
    if (kernel != null) {
      try {
        return TimingBasis.defaultsOf(KernelVersion.parse(kernel));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(
            "--kernel: '" + kernel + "' is not allowed (allowed: a version such as 6.6 or 6.18.2)",
            e);
      }
    }
    KernelVersion running = KernelVersion.running();
    if (netns == null) {
      return TimingBasis.read(
          ProcSysctlStore.current(), running, "read from this machine's network namespace");
    }
    if (!NetworkNamespace.NAME.matcher(netns).matches()
        || !Files.exists(Path.of("/run/netns", netns))) {
      throw new IllegalArgumentException(
          "--netns: no network namespace named '" + netns + "' (see `ip netns list`)");
    }
    return TimingBasis.read(
        ProcSysctlStore.forNamespace(NetworkNamespace.named(netns), new ProcessCommandRunner()),
        running,
        "read from network namespace " + netns);
  }

  /**
   * The routes of the namespace the values were read from that carry an {@code rto_min}: the kernel
   * uses it as their RTO floor. A namespace whose routes cannot be listed is explained without
   * them, and says so on stderr.
   */
  private List<Route> routesWithRtoMin() {
    NetworkNamespace namespace =
        netns == null ? NetworkNamespace.current() : NetworkNamespace.named(netns);
    try {
      return new IpRouteTable(new ProcessCommandRunner(), namespace)
          .routes().stream().filter(r -> r.rtoMinMillis().isPresent()).toList();
    } catch (RuntimeException e) {
      spec.commandLine()
          .getErr()
          .println(
              "explain: the routes could not be listed, figures of routes with their own rto_min"
                  + " are left out: "
                  + e.getMessage());
      return List.of();
    }
  }

  private static Optional<Duration> positive(Long millis, String option) {
    if (millis == null) {
      return Optional.empty();
    }
    if (millis <= 0) {
      throw new IllegalArgumentException(
          option + ": " + millis + " is not allowed (allowed: a positive number)");
    }
    return Optional.of(Duration.ofMillis(millis));
  }
}
