package dev.tcptune.status;

/** Condition types and reasons of a TcpProfile's status; reasons are CamelCase. */
public final class ProfileConditions {
  public static final String READY = "Ready";
  public static final String PROGRESSING = "Progressing";
  public static final String DEGRADED = "Degraded";
  public static final String DRIFTED = "Drifted";
  public static final String CONFLICT = "Conflict";
  public static final String INVALID = "Invalid";

  public static final String ALL_NODES_APPLIED = "AllNodesApplied";
  public static final String NO_NODES_SELECTED = "NoNodesSelected";
  public static final String NOT_ALL_NODES_APPLIED = "NotAllNodesApplied";
  public static final String NODES_FAILED = "NodesFailed";
  public static final String NO_FAILURES = "NoFailures";
  public static final String NODES_DRIFTED = "NodesDrifted";
  public static final String NO_DRIFT = "NoDrift";
  public static final String PRIORITY_TIE = "PriorityTie";
  public static final String NO_CONFLICT = "NoConflict";
  public static final String VALIDATION_FAILED = "ValidationFailed";
  public static final String VALID = "Valid";
  public static final String ROLLING_OUT = "RollingOut";
  public static final String ROLLOUT_PAUSED = "RolloutPaused";
  public static final String ROLLOUT_COMPLETE = "RolloutComplete";
  public static final String RESTORING = "Restoring";
  public static final String RESTORE_TIMED_OUT = "RestoreTimedOut";
  public static final String DELETING = "Deleting";

  private ProfileConditions() {}
}
