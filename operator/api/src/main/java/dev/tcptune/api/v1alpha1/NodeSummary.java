package dev.tcptune.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import lombok.AllArgsConstructor;
import lombok.Data;
import lombok.NoArgsConstructor;

/** Counts of a node's settings and route rules by state. */
@Data
@NoArgsConstructor
@AllArgsConstructor
public class NodeSummary {
  @JsonPropertyDescription("Settings and route rules the spec asks for.")
  private Integer settings;

  @JsonPropertyDescription("Of those, how many match.")
  private Integer inSync;

  @JsonPropertyDescription("Of those, how many differ from the spec.")
  private Integer drifted;

  @JsonPropertyDescription(
      "Of those, how many could not be applied or are unsupported on this kernel.")
  private Integer failed;
}
