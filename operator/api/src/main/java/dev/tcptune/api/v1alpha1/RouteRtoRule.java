package dev.tcptune.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.ValidationRule;
import lombok.AllArgsConstructor;
import lombok.Data;
import lombok.NoArgsConstructor;

/** An rto_min for the routes to one destination, optionally only those through one device. */
@Data
@NoArgsConstructor
@AllArgsConstructor
@JsonInclude(JsonInclude.Include.NON_NULL)
public class RouteRtoRule {

  @JsonPropertyDescription(
      "`default`, an address or a CIDR exactly as the route's destination, e.g. 10.0.0.0/8 or 127.0.0.1"
          + " (the local-table route loopback traffic uses).")
  @Required
  @Pattern("^[0-9a-fA-F.:/]+$|^default$")
  @ValidationRule(
      value = "self == 'default' || isCIDR(self) || isIP(self)",
      messageExpression = "'destination: ' + self + ' is not default, an IP address or a CIDR such as 10.0.0.0/8'",
      reason = "FieldValueInvalid")
  private String destination;

  @JsonPropertyDescription("Only routes through this network device (e.g. eth0). Absent: every matching route.")
  @Pattern("^[a-zA-Z0-9][a-zA-Z0-9_.:@-]{0,14}$")
  private String device;

  @JsonPropertyDescription("The RTO floor for these routes, in ms or s, e.g. 50ms. 1ms..1s.")
  @Required
  @Pattern("^[0-9]+(ms|s)$")
  @ValidationRule(
      value = "duration(self) >= duration('1ms') && duration(self) <= duration('1s')",
      messageExpression = "'rtoMin: ' + self + ' is outside the allowed range 1ms..1s'",
      reason = "FieldValueInvalid")
  private String rtoMin;
}
