package dev.tcptune.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.ValidationRule;
import lombok.Data;

/** TIME_WAIT reuse, FIN_WAIT2 lifetime and the ephemeral port range. */
@Data
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(
    value = "!has(self.twRecycle)",
    message =
        "twRecycle (net.ipv4.tcp_tw_recycle) was removed in Linux 4.12: it dropped connections from"
            + " clients behind NAT because their TCP timestamps are not monotonic; use twReuse instead",
    fieldPath = ".twRecycle",
    reason = "FieldValueForbidden")
public class TimeWaitSettings {

  @JsonPropertyDescription(
      "net.ipv4.tcp_tw_reuse: 0 never, 1 let new outgoing connections reuse TIME_WAIT ports when timestamps"
          + " prove it safe, 2 the same for loopback only (kernel default). 0..2.")
  @Min(0)
  @Max(2)
  private Integer twReuse;

  @JsonPropertyDescription(
      "net.ipv4.tcp_tw_recycle is refused: it was removed in Linux 4.12 because it broke clients behind NAT."
          + " Present only so that asking for it gets a clear error.")
  private Integer twRecycle;

  @JsonPropertyDescription(
      "net.ipv4.tcp_fin_timeout: seconds an orphaned FIN_WAIT2 socket lives. 5..300.")
  @Min(5)
  @Max(300)
  private Integer finTimeoutSeconds;

  @JsonPropertyDescription(
      "net.ipv4.ip_local_port_range: ephemeral ports for outgoing connections.")
  private PortRange localPortRange;
}
