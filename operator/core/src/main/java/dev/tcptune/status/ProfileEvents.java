package dev.tcptune.status;

import static dev.tcptune.status.ProfileConditions.*;

import dev.tcptune.api.v1alpha1.TcpProfileStatus;
import io.fabric8.kubernetes.api.model.Condition;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The Events a status change deserves: one per transition of the profile as a whole (applied,
 * drifted, corrected, failed, paused, conflict, invalid), never one per node per check.
 */
public final class ProfileEvents {

  private ProfileEvents() {}

  public static List<ProfileEvent> between(TcpProfileStatus before, TcpProfileStatus after) {
    List<Condition> old = before == null ? List.of() : before.getConditions();
    List<Condition> now = after.getConditions();
    List<ProfileEvent> events = new ArrayList<>();
    turnedTrue(old, now, READY, null)
        .ifPresent(c -> events.add(new ProfileEvent(false, "Applied", c.getMessage())));
    turnedTrue(old, now, DRIFTED, null)
        .ifPresent(c -> events.add(new ProfileEvent(true, "Drifted", c.getMessage())));
    if (isTrue(old, DRIFTED) && !isTrue(now, DRIFTED)) {
      events.add(new ProfileEvent(false, "Corrected", "no selected node differs any more"));
    }
    turnedTrue(old, now, DEGRADED, NODES_FAILED)
        .ifPresent(c -> events.add(new ProfileEvent(true, "Failed", c.getMessage())));
    turnedTrue(old, now, DEGRADED, RESTORE_TIMED_OUT)
        .ifPresent(c -> events.add(new ProfileEvent(true, RESTORE_TIMED_OUT, c.getMessage())));
    Optional<Condition> paused =
        ConditionFactory.find(now, PROGRESSING).filter(c -> ROLLOUT_PAUSED.equals(c.getReason()));
    boolean wasPaused =
        ConditionFactory.find(old, PROGRESSING)
            .filter(c -> ROLLOUT_PAUSED.equals(c.getReason()))
            .isPresent();
    if (paused.isPresent() && !wasPaused) {
      events.add(new ProfileEvent(true, "Paused", paused.get().getMessage()));
    }
    turnedTrue(old, now, CONFLICT, null)
        .ifPresent(c -> events.add(new ProfileEvent(true, "Conflict", c.getMessage())));
    turnedTrue(old, now, INVALID, null)
        .ifPresent(c -> events.add(new ProfileEvent(true, "Invalid", c.getMessage())));
    return events;
  }

  /** {@code type} is True now with {@code reason} (any when null) and was not before. */
  private static Optional<Condition> turnedTrue(
      List<Condition> old, List<Condition> now, String type, String reason) {
    Optional<Condition> current =
        ConditionFactory.find(now, type)
            .filter(c -> "True".equals(c.getStatus()))
            .filter(c -> reason == null || reason.equals(c.getReason()));
    boolean before =
        ConditionFactory.find(old, type)
            .filter(c -> "True".equals(c.getStatus()))
            .filter(c -> reason == null || reason.equals(c.getReason()))
            .isPresent();
    return before ? Optional.empty() : current;
  }

  private static boolean isTrue(List<Condition> conditions, String type) {
    return ConditionFactory.find(conditions, type)
        .filter(c -> "True".equals(c.getStatus()))
        .isPresent();
  }
}
