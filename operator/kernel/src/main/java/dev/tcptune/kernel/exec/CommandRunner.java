package dev.tcptune.kernel.exec;

import java.util.List;

/**
 * Runs one external command. An interface so that code which shells out to {@code ip} or {@code ss}
 * can be unit-tested with canned output, and so that no caller can build a shell string: the
 * command is always an argv list.
 */
public interface CommandRunner {

  /** Runs {@code argv} with no stdin and waits for it (within the runner's timeout). */
  default CommandResult run(List<String> argv) {
    return run(argv, null);
  }

  /**
   * Runs {@code argv}, feeding {@code stdin} (may be null for none) and waits for it.
   *
   * @return the result, whatever the exit code
   * @throws CommandFailedException when the command cannot be started or exceeds the timeout
   */
  CommandResult run(List<String> argv, String stdin);
}
