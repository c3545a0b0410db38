package dev.tcptune.kernel.exec;

/**
 * A command could not be started, timed out, or exited non-zero when success was required.
 * Unchecked because callers in this layer turn it into a per-key or per-route result rather than
 * propagating it.
 */
public class CommandFailedException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  public CommandFailedException(String message) {
    super(message);
  }

  public CommandFailedException(String message, Throwable cause) {
    super(message, cause);
  }
}
