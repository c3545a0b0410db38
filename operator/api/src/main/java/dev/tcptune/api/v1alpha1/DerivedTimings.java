package dev.tcptune.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import lombok.Data;

/** Timings that follow from a set of values, so users see the effect and not only the knob. */
@Data
@JsonInclude(JsonInclude.Include.NON_NULL)
public class DerivedTimings {
  @JsonPropertyDescription(
      "connect() gives up after this many seconds (tcp_syn_retries, 1 s initial RTO doubling).")
  private Double connectTimeoutSeconds;

  @JsonPropertyDescription("A listener stops retransmitting SYN+ACK after this many seconds.")
  private Double synAckTimeoutSeconds;

  @JsonPropertyDescription(
      "A dead idle peer of a keepalive socket is found after this many seconds.")
  private Double deadPeerDetectionSeconds;

  @JsonPropertyDescription(
      "An established connection to a dead peer is dropped after about this many seconds.")
  private Double establishedTimeoutSeconds;

  @JsonPropertyDescription(
      "New outgoing connections per second to one destination before TIME_WAIT exhausts the ports.")
  private Double maxConnectionsPerSecondPerDestination;
}
