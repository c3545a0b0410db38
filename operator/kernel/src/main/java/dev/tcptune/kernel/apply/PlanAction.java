package dev.tcptune.kernel.apply;

/** What the applier will do with one planned key or route; decided before anything is written. */
public enum PlanAction {
  /** Already at the desired value. */
  KEEP,
  /** Differs: will be written. */
  WRITE,
  /** The key does not exist on this kernel (or the rule matches no route). */
  UNSUPPORTED,
  /** The value (or rule) is not allowed; the whole plan is invalid. */
  INVALID
}
