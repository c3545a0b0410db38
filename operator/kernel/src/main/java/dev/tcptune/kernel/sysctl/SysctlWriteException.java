package dev.tcptune.kernel.sysctl;

/**
 * The kernel (or the store) refused a sysctl write. Checked, because a refused write is an expected
 * outcome the applier must report for that key while it carries on with the others.
 */
public class SysctlWriteException extends Exception {

  private static final long serialVersionUID = 1L;

  private final String key;
  private final String value;
  private final String reason;

  /** A refusal of {@code value} for {@code key}, with the kernel's {@code reason}. */
  public SysctlWriteException(String key, String value, String reason) {
    super(key + ": writing '" + value + "' failed: " + reason);
    this.key = key;
    this.value = value;
    this.reason = reason;
  }

  public String key() {
    return key;
  }

  public String value() {
    return value;
  }

  /** The kernel's words, e.g. {@code "Invalid argument"}. */
  public String reason() {
    return reason;
  }
}
