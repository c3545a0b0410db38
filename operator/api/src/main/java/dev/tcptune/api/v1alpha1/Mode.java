package dev.tcptune.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonProperty;

/** What the agent may do on a node that differs from the profile. */
public enum Mode {
  /** Apply the settings and correct drift. */
  @JsonProperty("Enforce")
  ENFORCE,
  /** Only compare and report; never write to the node. */
  @JsonProperty("Audit")
  AUDIT
}
