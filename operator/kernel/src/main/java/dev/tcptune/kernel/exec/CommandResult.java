package dev.tcptune.kernel.exec;

import java.util.List;
import java.util.Objects;

/**
 * What a finished command left behind. Kept whole (argv included) so that an error message can show
 * exactly what was run and what the tool said, which is what an operator needs at 3 a.m.
 *
 * @param argv the command as run
 * @param exitCode its exit code
 * @param stdout everything it printed on stdout
 * @param stderr everything it printed on stderr
 */
public record CommandResult(List<String> argv, int exitCode, String stdout, String stderr) {

  public CommandResult {
    argv = List.copyOf(argv);
    Objects.requireNonNull(stdout, "stdout");
    Objects.requireNonNull(stderr, "stderr");
  }

  /** True when the exit code is 0. */
  public boolean succeeded() {
    return exitCode == 0;
  }

  /**
   * Returns this result when the command succeeded.
   *
   * @throws CommandFailedException naming the argv, the exit code and stderr otherwise
   */
  public CommandResult orThrow() {
    if (!succeeded()) {
      throw new CommandFailedException(
          "command " + String.join(" ", argv) + " exited with " + exitCode + ": " + stderr.strip());
    }
    return this;
  }
}
