package dev.tcptune.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.ArrayList;
import java.util.List;
import lombok.Data;

/** The socket symptoms that the settings explain, for one node's network namespace. */
@Data
@JsonInclude(JsonInclude.Include.NON_NULL)
public class SocketStatistics {
  @JsonPropertyDescription("Established TCP sockets.")
  private Long established;

  @JsonPropertyDescription("Sockets in TIME_WAIT.")
  private Long timeWait;

  @JsonPropertyDescription("Sockets in CLOSE_WAIT: the application has not closed them.")
  private Long closeWait;

  @JsonPropertyDescription("Orphaned sockets (closed by the application, still in the kernel).")
  private Long orphans;

  @JsonPropertyDescription(
      "TcpExt.ListenOverflows since boot: connections dropped because an accept queue was full.")
  private Long listenOverflows;

  @JsonPropertyDescription("ListenOverflows per second over the last sampling interval.")
  private Double listenOverflowsPerSecond;

  @JsonPropertyDescription("Tcp.RetransSegs since boot.")
  private Long retransSegs;

  @JsonPropertyDescription("Retransmitted segments per second over the last sampling interval.")
  private Double retransSegsPerSecond;

  @JsonPropertyDescription("Retransmitted share of sent segments over the last interval, 0..1.")
  private Double retransRatio;

  @JsonPropertyDescription(
      "Listening sockets whose backlog is below net.core.somaxconn (they need a restart to gain), at most 20.")
  private List<String> listenersBelowSomaxconn = new ArrayList<>();
}
