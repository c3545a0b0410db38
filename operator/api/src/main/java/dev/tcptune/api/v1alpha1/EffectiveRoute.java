package dev.tcptune.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import dev.tcptune.api.TcpTuneApi;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import lombok.AllArgsConstructor;
import lombok.Data;
import lombok.NoArgsConstructor;

/** One route rto_min rule for a node and where it came from. */
@Data
@NoArgsConstructor
@AllArgsConstructor
@JsonInclude(JsonInclude.Include.NON_NULL)
public class EffectiveRoute {
  @JsonPropertyDescription("`default`, an IP address or a CIDR, e.g. 10.0.0.0/8.")
  // maxLength on every string a CEL rule reads keeps the rule cost within the API server's budget.
  @Required
  @Size(max = 64)
  @Pattern("^[0-9a-fA-F.:/]+$|^default$")
  @ValidationRule(
      value = "self == 'default' || isCIDR(self) || isIP(self)",
      messageExpression =
          "'destination: ' + self + ' is not default, an IP address or a CIDR such as 10.0.0.0/8'",
      reason = "FieldValueInvalid")
  private String destination;

  @JsonPropertyDescription(
      "Only routes through this network device (an interface name of 1..15 characters), when set.")
  @Size(max = 15)
  @Pattern(TcpTuneApi.DEVICE_PATTERN)
  private String device;

  @JsonPropertyDescription(
      "The RTO floor in ms or s, e.g. 50ms. 1ms..1s (the agent checks the range).")
  @Required
  @Size(max = 16)
  @Pattern("^[0-9]{1,7}(ms|s)$")
  private String rtoMin;

  @JsonPropertyDescription("The TcpProfile that set this rule.")
  @Size(max = 253)
  private String profile;

  @JsonPropertyDescription("Enforce or Audit, from that profile.")
  private Mode mode;
}
