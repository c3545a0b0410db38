package dev.tcptune.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import lombok.AllArgsConstructor;
import lombok.Data;
import lombok.NoArgsConstructor;

/** One node that does not match its profile, with the reason in one line. */
@Data
@NoArgsConstructor
@AllArgsConstructor
public class NodeProblem {
  @JsonPropertyDescription("Node name.")
  private String node;

  @JsonPropertyDescription("Drifted, Failed or Unsupported.")
  private String state;

  @JsonPropertyDescription("The first failing setting and why.")
  private String message;
}
