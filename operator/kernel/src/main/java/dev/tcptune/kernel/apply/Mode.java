package dev.tcptune.kernel.apply;

/**
 * What tcptune may do with one desired entry. A node can carry Enforce keys from one profile and
 * Audit keys from another, so the mode belongs to each entry, not to the whole desired state.
 */
public enum Mode {
  /** Write the desired value, keep it in place, and restore the original when it stops applying. */
  ENFORCE,
  /** Only compare and report: never written, never journaled, never restored. */
  AUDIT
}
