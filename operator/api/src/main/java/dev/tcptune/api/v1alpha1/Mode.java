package dev.tcptune.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonEnumDefaultValue;
import com.fasterxml.jackson.annotation.JsonProperty;

/** What the agent may do on a node that differs from the profile. */
public enum Mode {
  /** Apply the settings and correct drift. */
  @JsonProperty("Enforce")
  ENFORCE,
  /**
   * Only compare and report; never write to the node. Also what a reader that accepts unknown
   * values (the node agent) takes for a mode it does not know: the safe side.
   */
  @JsonEnumDefaultValue
  @JsonProperty("Audit")
  AUDIT
}
