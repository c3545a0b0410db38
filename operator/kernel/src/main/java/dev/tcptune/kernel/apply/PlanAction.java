package dev.tcptune.kernel.apply;

/** What the applier will do with one planned key or route; decided before anything is written. */
public enum PlanAction {
  /**
   * Already at the desired value, or every route the rule matches is set by a more specific rule.
   */
  KEEP,
  /** Differs: will be written (Enforce) or reported as drifted (Audit). */
  WRITE,
  /**
   * The key does not exist on this kernel, the rule matches no route, or the matched route cannot
   * be changed without touching other attributes.
   */
  UNSUPPORTED,
  /** The key, value or rule is not allowed; the whole plan is invalid. */
  INVALID
}
