package dev.tcptune.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Required;
import lombok.AllArgsConstructor;
import lombok.Data;
import lombok.NoArgsConstructor;

/** One route rto_min rule for a node and where it came from. */
@Data
@NoArgsConstructor
@AllArgsConstructor
@JsonInclude(JsonInclude.Include.NON_NULL)
public class EffectiveRoute {
  @JsonPropertyDescription("`default`, an address or a CIDR.")
  @Required
  private String destination;

  @JsonPropertyDescription("Only routes through this device, when set.")
  private String device;

  @JsonPropertyDescription("The RTO floor, e.g. 50ms.")
  @Required
  private String rtoMin;

  @JsonPropertyDescription("The TcpProfile that set this rule.")
  private String profile;

  @JsonPropertyDescription("Enforce or Audit, from that profile.")
  private Mode mode;
}
