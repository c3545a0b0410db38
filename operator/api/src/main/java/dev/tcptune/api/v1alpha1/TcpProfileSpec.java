package dev.tcptune.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.crd.generator.annotation.SchemaFrom;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import io.fabric8.kubernetes.api.model.LabelSelector;
import lombok.Data;

/** What a profile asks for: which nodes, how strongly, and the settings grouped by topic. */
@Data
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(
    value =
        "has(self.listenQueue) || has(self.timeWait) || has(self.keepalive) || has(self.retries) || has(self.rto)",
    message =
        "spec: a profile must set at least one of listenQueue, timeWait, keepalive, retries, rto")
public class TcpProfileSpec {

  @JsonPropertyDescription("Nodes this profile applies to. Empty or absent selects every node.")
  @SchemaFrom(type = NodeSelectorSchema.class)
  private LabelSelector nodeSelector;

  @JsonPropertyDescription(
      "When several profiles select a node and set the same value, the highest priority wins; on a tie the"
          + " profile whose name sorts first wins and the others get a Conflict condition. 0..1000.")
  @Min(0)
  @Max(1000)
  @Default("0")
  private Integer priority;

  @JsonPropertyDescription(
      "Enforce applies the settings and corrects drift; Audit only compares and reports, never writing to a node.")
  @Default("Enforce")
  private Mode mode;

  @JsonPropertyDescription(
      "How a change reaches the selected nodes: how many at a time, and whether a failure pauses it.")
  private RolloutSettings rollout;

  @JsonPropertyDescription("Accept and SYN queue limits of listening sockets.")
  // An empty group sets nothing: `listenQueue: {}` would pass for a profile that does nothing.
  @Size(min = 1)
  private ListenQueueSettings listenQueue;

  @JsonPropertyDescription("TIME_WAIT handling, FIN_WAIT2 lifetime and the ephemeral port range.")
  @Size(min = 1)
  private TimeWaitSettings timeWait;

  @JsonPropertyDescription("TCP keepalive for sockets that enable SO_KEEPALIVE.")
  @Size(min = 1)
  private KeepaliveSettings keepalive;

  @JsonPropertyDescription("How often the kernel retransmits before it gives up.")
  @Size(min = 1)
  private RetrySettings retries;

  @JsonPropertyDescription(
      "The retransmission timeout floor, for the whole network namespace or per route.")
  @Size(min = 1)
  private RtoSettings rto;
}
