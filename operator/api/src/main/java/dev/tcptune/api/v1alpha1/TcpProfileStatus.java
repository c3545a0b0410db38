package dev.tcptune.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.kubernetes.api.model.Condition;
import java.util.ArrayList;
import java.util.List;
import lombok.Data;

/**
 * What the operator knows of a profile across the cluster. Kept small on purpose: per-node detail
 * lives in {@link TcpNodeState}, so this object stays the same size at 5 or 5,000 nodes.
 */
@Data
@JsonInclude(JsonInclude.Include.NON_NULL)
public class TcpProfileStatus {

  @JsonPropertyDescription("The metadata.generation this status describes.")
  private Long observedGeneration;

  @JsonPropertyDescription(
      "Ready, Progressing, Degraded, Drifted, Conflict and Invalid, in the standard form.")
  private List<Condition> conditions = new ArrayList<>();

  @JsonPropertyDescription("Nodes the selector matches.")
  private Integer matchedNodes;

  @JsonPropertyDescription(
      "Matched nodes whose agent reports every setting of this profile in place.")
  private Integer appliedNodes;

  @JsonPropertyDescription(
      "Matched nodes where a setting of this profile differs from what it asks for.")
  private Integer driftedNodes;

  @JsonPropertyDescription("Matched nodes where a setting of this profile could not be applied.")
  private Integer failedNodes;

  @JsonPropertyDescription("Up to 10 nodes in trouble, worst first; the counts above are complete.")
  private List<NodeProblem> nodesInTrouble = new ArrayList<>();

  @JsonPropertyDescription("Progress of the staged rollout of the current generation.")
  private RolloutStatus rollout;

  @JsonPropertyDescription("What the settings imply, computed from the profile alone.")
  private DerivedTimings timings;
}
