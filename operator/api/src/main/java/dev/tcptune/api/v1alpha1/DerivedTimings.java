package dev.tcptune.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import lombok.Data;

/** Timings that follow from a set of values, so users see the effect and not only the knob. */
@Data
@JsonInclude(JsonInclude.Include.NON_NULL)
public class DerivedTimings {
  @JsonPropertyDescription(
      "The figures are for this kernel: the oldest among the selected nodes, with every key the"
          + " profile does not set at that kernel's default and the typical round trip of"
          + " `tcptune explain` (which also gives the ranges).")
  private String kernelVersion;

  @JsonPropertyDescription(
      "connect() to a silent peer fails after about this many seconds on the node's kernel"
          + " (tcp_syn_retries, and tcp_syn_linear_timeouts from kernel 6.7).")
  private Double connectTimeoutSeconds;

  @JsonPropertyDescription(
      "A listener drops a half-open connection whose SYN+ACKs are never answered after about this"
          + " many seconds (tcp_synack_retries).")
  private Double synAckTimeoutSeconds;

  @JsonPropertyDescription(
      "A dead peer of an idle SO_KEEPALIVE socket is found about this many seconds after the last"
          + " packet received.")
  private Double deadPeerDetectionSeconds;

  @JsonPropertyDescription(
      "An established connection with unanswered data to a dead peer is dropped about this many"
          + " seconds after the write (the tcp_retries2 time budget from the fixed 200 ms base,"
          + " checked when the retransmission timer fires).")
  private Double establishedTimeoutSeconds;

  @JsonPropertyDescription(
      "New outgoing connections per second to one destination before TIME_WAIT exhausts the ports.")
  private Double maxConnectionsPerSecondPerDestination;
}
