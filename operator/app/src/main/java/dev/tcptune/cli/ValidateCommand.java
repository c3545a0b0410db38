package dev.tcptune.cli;

import dev.tcptune.api.v1alpha1.TcpProfile;
import dev.tcptune.profile.ProfileFileException;
import dev.tcptune.profile.ProfileFiles;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code tcptune validate}: whether profile files would be admitted, with the API server's rules
 * and without a cluster or this machine's kernel (audit and explain read the kernel after the same
 * check). For CI and pre-commit hooks.
 */
@Command(
    name = "validate",
    mixinStandardHelpOptions = true,
    description =
        "Checks TcpProfile files as the API server with the tcptune CRD would, without a cluster:"
            + " one line per file, 'FILE: valid' or the error naming the field, the value and what"
            + " is allowed. A file may hold several profiles ('---'), as for kubectl apply -f. Exits 0"
            + " when every file is valid, 2 otherwise. '-' reads standard input.")
final class ValidateCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Option(
      names = {"-f", "--file"},
      paramLabel = "PROFILE",
      description = "TcpProfile YAML or JSON file (repeatable; also accepted without -f).")
  List<String> files = new ArrayList<>();

  @Parameters(paramLabel = "PROFILE", arity = "0..*", description = "More profile files.")
  List<String> more = new ArrayList<>();

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    List<String> all = new ArrayList<>(files);
    all.addAll(more);
    if (all.isEmpty()) {
      err.println("error: no profile file given (allowed: one or more files, or - for stdin)");
      err.flush();
      return TcpTuneCommand.ERROR;
    }
    ProfileFiles profiles = new ProfileFiles();
    // Where each name was first seen: a second profile of the same name would replace the first
    // when both are applied (kubectl apply -f, a GitOps sync), and only one would ever be in force.
    Map<String, String> seen = new HashMap<>();
    int invalid = 0;
    for (String file : all) {
      try {
        List<TcpProfile> valid = profiles.loadAll(file);
        Optional<String> twice = repeatedName(file, valid, seen);
        if (twice.isPresent()) {
          err.println("error: " + twice.get());
          invalid++;
          continue;
        }
        out.println(
            file
                + ": valid ("
                + valid.stream()
                    .map(p -> "TcpProfile " + ProfileFiles.displayName(p))
                    .collect(Collectors.joining(", "))
                + ")");
      } catch (ProfileFileException e) {
        // The message starts with the file name already.
        err.println("error: " + e.getMessage());
        invalid++;
      } catch (RuntimeException e) {
        // Never expected; if it happens, this file is refused and the next ones still get theirs.
        err.println("error: " + file + ": cannot be checked: " + e.getMessage());
        invalid++;
      }
    }
    out.flush();
    err.flush();
    return invalid == 0 ? TcpTuneCommand.IN_SYNC : TcpTuneCommand.ERROR;
  }

  /** The first profile of {@code valid} whose name an earlier one had, as a message. */
  private static Optional<String> repeatedName(
      String file, List<TcpProfile> valid, Map<String, String> seen) {
    for (int i = 0; i < valid.size(); i++) {
      String name = valid.get(i).getMetadata().getName();
      if (name == null || name.isEmpty()) {
        // generateName: the API server makes each name unique.
        continue;
      }
      String here =
          valid.size() == 1 ? file : file + " (profile " + (i + 1) + " of " + valid.size() + ")";
      String first = seen.putIfAbsent(name, here);
      if (first != null) {
        return Optional.of(
            here
                + ": metadata.name: '"
                + name
                + "' is the name of the profile in "
                + first
                + " too (allowed: each name once; applied together, the later one replaces the"
                + " earlier)");
      }
    }
    return Optional.empty();
  }
}
