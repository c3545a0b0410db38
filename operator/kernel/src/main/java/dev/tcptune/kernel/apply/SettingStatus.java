package dev.tcptune.kernel.apply;

/** The outcome for one key or route, shared by apply, verify and restore reports. */
public enum SettingStatus {
  /** Already at the desired value; nothing written. */
  IN_SYNC,
  /** Written and read back equal. */
  APPLIED,
  /** Differs from the desired value (verify/audit only: nothing was written). */
  DRIFTED,
  /**
   * The write was refused, the read-back differed, or the journal could not record the original.
   */
  FAILED,
  /** The key does not exist on this kernel, or a route rule matched no route. */
  UNSUPPORTED,
  /** The desired value is not allowed; nothing of the plan was written. */
  INVALID;

  /** True for the outcomes that leave the key at its desired value. */
  public boolean isGood() {
    return this == IN_SYNC || this == APPLIED;
  }
}
