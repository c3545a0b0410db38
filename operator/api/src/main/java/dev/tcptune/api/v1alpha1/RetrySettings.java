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
      "net.ipv4.tcp_syn_retries: SYN retransmissions of connect(). connect() fails when the"
          + " retransmission timer fires and either syn + synLinearTimeouts retransmissions were sent or"
          + " the time since the first SYN reached 2^(syn+1)-1 s. From kernel 6.7 (4 linear timeouts"
          + " by default) 3 gives up after about 19 s and 6 after about 131 s; before 6.7 (1 s doubling)"
          + " after 15 s and 127 s. `tcptune explain` shows the figure for a kernel. 1..10.")
  @Min(1)
  @Max(10)
  private Integer syn;

  @JsonPropertyDescription(
      "net.ipv4.tcp_syn_linear_timeouts (kernel 6.7+, default 4): SYN retransmissions of connect()"
          + " that keep the initial 1 s RTO before it doubles, on top of retries.syn. 0 gives the"
          + " plain doubling of older kernels. 0..10.")
  @Min(0)
  @Max(10)
  private Integer synLinearTimeouts;

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
      "net.ipv4.tcp_retries2: how long an established connection with unanswered data keeps"
          + " retransmitting. The kernel turns it into a time budget computed from a fixed 200 ms base"
          + " whatever rto_min says (15: 924.6 s, 8: 102.2 s, 5: 12.6 s), counted from the first"
          + " retransmission and checked when the retransmission timer fires. A lower rto_min gives"
          + " more retransmissions in that budget, not an earlier give-up. 3..20.")
  @Min(3)
  @Max(20)
  private Integer retries2;

  @JsonPropertyDescription(
      "net.ipv4.tcp_orphan_retries: how long an orphaned closing socket (FIN_WAIT1) retransmits its"
          + " FIN: a time budget from the fixed 200 ms base like retries2; 0 means 8 (102.2 s) while"
          + " the socket is alive. 0..15.")
  @Min(0)
  @Max(15)
  private Integer orphan;
}
