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

/** An rto_min for the routes to one destination, optionally only those through one device. */
@Data
@NoArgsConstructor
@AllArgsConstructor
@JsonInclude(JsonInclude.Include.NON_NULL)
public class RouteRtoRule {

  @JsonPropertyDescription(
      "`default`, an address or a CIDR exactly as the route's destination, e.g. 10.0.0.0/8 or 127.0.0.1"
          + " (the local-table route loopback traffic uses).")
  // maxLength on every string a CEL rule reads: without it the API server estimates the cost of
  // the rules for a 3 MB string and refuses the CRD.
  @Required
  @Size(max = 64)
  @Pattern("^[0-9a-fA-F.:/]+$|^default$")
  @ValidationRule(
      value = "self == 'default' || isCIDR(self) || isIP(self)",
      messageExpression =
          "'destination: ' + self + ' is not default, an IP address or a CIDR such as 10.0.0.0/8'",
      reason = "FieldValueInvalid")
  // ip refuses a prefix with host bits set ("Invalid prefix for given prefix length"), and no route
  // has one: the rule would match nothing.
  @ValidationRule(
      value = "!isCIDR(self) || cidr(self) == cidr(self).masked()",
      messageExpression =
          "'destination: ' + self + ' has host bits set (allowed: the network address of the prefix,"
              + " e.g. 10.0.0.0/8 rather than 10.0.0.1/8)'",
      reason = "FieldValueInvalid")
  private String destination;

  @JsonPropertyDescription(
      "Only routes through this network device (e.g. eth0). Absent: every matching route. An interface"
          + " name: 1..15 characters [a-zA-Z0-9_.@-] starting with a letter or digit.")
  @Size(max = 15)
  @Pattern(TcpTuneApi.DEVICE_PATTERN)
  private String device;

  @JsonPropertyDescription("The RTO floor for these routes, in ms or s, e.g. 50ms. 1ms..1s.")
  @Required
  @Size(max = 16)
  @Pattern("^[0-9]+(ms|s)$")
  // matches() first: duration("50 ms") is a CEL type-conversion error whose message helps nobody;
  // with the guard a bad format gets this message next to the pattern's. At most 9 significant
  // digits: duration('99999999999999s') overflows CEL's duration (about 292 years), the same
  // unhelpful error; anything that long is far above 1s anyway.
  @ValidationRule(
      value =
          "self.matches('^0*[0-9]{1,9}(ms|s)$')"
              + " && duration(self) >= duration('1ms') && duration(self) <= duration('1s')",
      messageExpression =
          "'rtoMin: ' + self + ' must be a duration from 1ms to 1s written in ms or s, e.g. 50ms'",
      reason = "FieldValueInvalid")
  private String rtoMin;
}
