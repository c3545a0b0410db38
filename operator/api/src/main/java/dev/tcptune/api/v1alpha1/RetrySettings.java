package dev.tcptune.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.ValidationRule;
import lombok.Data;

/**
 * Retransmission limits: how long connects, handshakes, established and closing sockets keep
 * trying.
 */
@Data
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(
    value = "!has(self.retries1) || !has(self.retries2) || self.retries1 <= self.retries2",
    message =
        "retries1 must be at most retries2: retries1 (net.ipv4.tcp_retries1) is the soft threshold"
            + " after which the route is re-checked, retries2 (net.ipv4.tcp_retries2) the hard one"
            + " after which the connection is dropped, so a soft threshold above it is never reached",
    fieldPath = ".retries1",
    reason = "FieldValueInvalid")
public class RetrySettings {

  @JsonPropertyDescription(
      "net.ipv4.tcp_syn_retries: SYN retransmissions of connect(); with the 1 s initial RTO doubling, 6 gives"
          + " up after 127 s and 3 after 15 s. 1..10.")
  @Min(1)
  @Max(10)
  private Integer syn;

  @JsonPropertyDescription(
      "net.ipv4.tcp_synack_retries: SYN+ACK retransmissions of a listener. 1..10.")
  @Min(1)
  @Max(10)
  private Integer synAck;

  @JsonPropertyDescription(
      "net.ipv4.tcp_retries1: retransmissions after which the IP layer is asked to re-check the route. 1..15.")
  @Min(1)
  @Max(15)
  private Integer retries1;

  @JsonPropertyDescription(
      "net.ipv4.tcp_retries2: retransmissions after which an established connection is dropped (15 is about"
          + " 924 s with a 200 ms RTO floor). 3..20.")
  @Min(3)
  @Max(20)
  private Integer retries2;

  @JsonPropertyDescription(
      "net.ipv4.tcp_orphan_retries: FIN retransmissions of orphaned sockets; 0 means 8. 0..15.")
  @Min(0)
  @Max(15)
  private Integer orphan;
}
