package dev.tcptune.fleet;

import dev.tcptune.api.v1alpha1.TcpProfile;
import dev.tcptune.profile.FieldError;
import java.util.List;

/**
 * One profile across the fleet: its errors (nothing of an invalid profile is applied), the nodes
 * its selector picks (sorted) and its rollout ({@code null} when invalid or being deleted).
 */
public record ProfilePlan(
    TcpProfile profile, List<FieldError> errors, List<String> selected, RolloutPlan rollout) {

  public String name() {
    return profile.getMetadata().getName();
  }

  public boolean valid() {
    return errors.isEmpty();
  }

  public boolean deleting() {
    return profile.getMetadata().getDeletionTimestamp() != null;
  }

  /** Whether the profile gives nodes anything: valid and not being deleted. */
  public boolean active() {
    return valid() && !deleting();
  }
}
