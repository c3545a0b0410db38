package dev.tcptune.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.kubernetes.api.model.Condition;
import java.util.ArrayList;
import java.util.List;
import lombok.Data;

/** What the node's agent found and did. Only the agent of that node writes it. */
@Data
@JsonInclude(JsonInclude.Include.NON_NULL)
public class TcpNodeStateStatus {

  @JsonPropertyDescription("The metadata.generation of the spec the agent last acted on.")
  private Long observedGeneration;

  @JsonPropertyDescription("Applied, Drifted, Degraded in the standard form.")
  private List<Condition> conditions = new ArrayList<>();

  @JsonPropertyDescription("The node's kernel release, e.g. 6.18.44.")
  private String kernelVersion;

  @JsonPropertyDescription("Counts of settings by state, for printer columns.")
  private NodeSummary summary;

  @JsonPropertyDescription(
      "Per sysctl: desired, actual and original value. The original is recorded before the first write and"
          + " written back when no profile asks for the key any more.")
  private List<NodeSettingStatus> settings = new ArrayList<>();

  @JsonPropertyDescription("Per route rule: the routes it matched and their rto_min.")
  private List<NodeRouteStatus> routes = new ArrayList<>();

  @JsonPropertyDescription(
      "The journal of originals: every value tcptune replaced on this node and has not put back yet,"
          + " with the value it wrote. Recorded here before the first write, so that a restarted agent"
          + " never takes an already tuned value for an original.")
  private List<OriginalValue> originals = new ArrayList<>();

  @JsonPropertyDescription(
      "How many times a value changed behind tcptune's back was put back (Enforce), since the agent"
          + " started.")
  private Long driftCorrections;

  @JsonPropertyDescription("Socket statistics of the node's network namespace at the last check.")
  private SocketStatistics sockets;

  @JsonPropertyDescription("When the agent last wrote to the node.")
  private String lastApplyTime;

  @JsonPropertyDescription("When the agent last compared the node with the spec.")
  private String lastCheckTime;
}
