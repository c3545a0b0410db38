package dev.tcptune.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonProperty;

/** Where one setting stands on a node. */
public enum SettingState {
  @JsonProperty("InSync")
  IN_SYNC,
  @JsonProperty("Applied")
  APPLIED,
  @JsonProperty("Drifted")
  DRIFTED,
  @JsonProperty("Failed")
  FAILED,
  @JsonProperty("Unsupported")
  UNSUPPORTED,
  @JsonProperty("Invalid")
  INVALID,
  @JsonProperty("Restored")
  RESTORED,
  /**
   * Not restored: someone else changed the value after tcptune wrote it, and their value is kept.
   */
  @JsonProperty("Conflict")
  CONFLICT
}
