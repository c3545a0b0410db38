package dev.tcptune.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import lombok.Data;

/**
 * TCP keepalive (net.ipv4.tcp_keepalive_*). Only sockets with SO_KEEPALIVE use it; a dead idle peer
 * is found after time + interval * probes seconds.
 */
@Data
@JsonInclude(JsonInclude.Include.NON_NULL)
public class KeepaliveSettings {

  @JsonPropertyDescription(
      "net.ipv4.tcp_keepalive_time: idle seconds before the first probe; keep it below the idle timeout of"
          + " any load balancer on the path. 1..32767.")
  @Min(1)
  @Max(32767)
  private Integer timeSeconds;

  @JsonPropertyDescription(
      "net.ipv4.tcp_keepalive_intvl: seconds between unanswered probes. 1..32767.")
  @Min(1)
  @Max(32767)
  private Integer intervalSeconds;

  @JsonPropertyDescription(
      "net.ipv4.tcp_keepalive_probes: unanswered probes before the connection is reset. 1..127.")
  @Min(1)
  @Max(127)
  private Integer probes;
}
