package dev.tcptune.cli;

import dev.tcptune.api.v1alpha1.TcpProfile;
import dev.tcptune.explain.ExplainOptions;
import dev.tcptune.explain.Explainer;
import dev.tcptune.explain.Explanation;
import dev.tcptune.profile.ProfileFiles;
import dev.tcptune.profile.ProfileTranslator;
import java.io.PrintWriter;
import java.time.Duration;
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
        "Prints what a profile implies (connect gives up after N s, dead peer found after N s, ...) and"
            + " warns about risky values. Values the profile does not set are taken at their kernel defaults.")
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
      description = "TcpProfile YAML file.")
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
    Explanation explanation =
        new Explainer()
            .explain(
                profile.getMetadata().getName(),
                ProfileTranslator.desiredState(profile.getSpec()),
                options);
    if (output == Output.json) {
      out.println(Json.MAPPER.writeValueAsString(explanation));
    } else {
      out.printf(
          "Profile %s (values it does not set are kernel defaults):%n", explanation.profile());
      explanation.facts().forEach(f -> out.println("  - " + f));
      out.println(explanation.warnings().isEmpty() ? "No warnings." : "Warnings:");
      explanation.warnings().forEach(w -> out.println("  ! " + w));
    }
    out.flush();
    return TcpTuneCommand.IN_SYNC;
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
