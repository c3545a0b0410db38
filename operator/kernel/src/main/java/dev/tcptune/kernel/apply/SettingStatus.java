package dev.tcptune.kernel.apply;

/** The outcome for one key or route, shared by apply, verify and restore reports. */
public enum SettingStatus {
  /** Already at the desired value; nothing written. */
  IN_SYNC,
  /** Written and read back equal. */
  APPLIED,
  /**
   * Another writer had changed the value tcptune wrote; written again and read back equal (a drift
   * correction, Enforce only). The other writer's value was not taken for a new original.
   */
  CORRECTED,
  /** Differs from the desired value (audit entries and verify: nothing was written). */
  DRIFTED,
  /**
   * Restore found a value that is neither the original nor the one tcptune wrote: another writer
   * owns it now, so it was left alone. The message names both values.
   */
  CONFLICT,
  /**
   * The write was refused, the read-back differed, or the journal could not record the original.
   */
  FAILED,
  /**
   * The key does not exist on this kernel, a route rule matched no route, or a matched route has an
   * attribute tcptune cannot reproduce (so it is not changed).
   */
  UNSUPPORTED,
  /** The desired value is not allowed; nothing of the plan was written. */
  INVALID;

  /** True for the outcomes that leave the key at its desired value. */
  public boolean isGood() {
    return this == IN_SYNC || this == APPLIED || this == CORRECTED;
  }
}
