package dev.tcptune.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import lombok.AllArgsConstructor;
import lombok.Data;
import lombok.NoArgsConstructor;

/** Where the rollout of the profile's current generation stands. */
@Data
@NoArgsConstructor
@AllArgsConstructor
@JsonInclude(JsonInclude.Include.NON_NULL)
public class RolloutStatus {
  @JsonPropertyDescription("The profile generation being rolled out.")
  private Long generation;

  @JsonPropertyDescription("Selected nodes whose TcpNodeState carries this generation.")
  private Integer updatedNodes;

  @JsonPropertyDescription("Of those, nodes whose agent reports this generation Applied.")
  private Integer doneNodes;

  @JsonPropertyDescription("Selected nodes still waiting for this generation.")
  private Integer pendingNodes;

  @JsonPropertyDescription("True while the rollout is paused by a failed or degraded node.")
  private Boolean paused;

  @JsonPropertyDescription("The node that paused the rollout, and why.")
  private String message;
}
