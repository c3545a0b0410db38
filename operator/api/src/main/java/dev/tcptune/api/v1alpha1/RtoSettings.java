package dev.tcptune.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import java.util.List;
import lombok.Data;

/**
 * The retransmission timeout floor. The namespace-wide sysctl needs kernel 6.11; the per-route
 * attribute works on every kernel and wins over the sysctl.
 */
@Data
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(
    value = "has(self.minMicroseconds) || (has(self.routes) && size(self.routes) > 0)",
    message = "rto: set minMicroseconds or at least one entry in routes")
public class RtoSettings {

  @JsonPropertyDescription(
      "net.ipv4.tcp_rto_min_us: RTO floor of the whole network namespace in microseconds (kernel 6.11+;"
          + " kernel default 200000). 1000..1000000.")
  @Min(1000)
  @Max(1000000)
  private Integer minMicroseconds;

  @JsonPropertyDescription(
      "rto_min on routes, set with `ip route change`: lower it for internal destinations, keep 200ms toward"
          + " the internet. At most one rule per destination and device.")
  @Size(max = 32)
  @ValidationRule(
      value =
          "self.all(a, self.exists_one(b, (has(b.device) ? b.device : '') == (has(a.device) ? a.device : '')"
              + " && (b.destination == a.destination"
              + " || (isIP(a.destination) && isIP(b.destination) && ip(a.destination) == ip(b.destination))"
              + " || (isCIDR(a.destination) && isCIDR(b.destination) && cidr(a.destination) == cidr(b.destination))"
              + " || (isIP(a.destination) && isCIDR(b.destination) && cidr(b.destination).ip() == ip(a.destination)"
              + " && cidr(b.destination).prefixLength() == (ip(a.destination).family() == 4 ? 32 : 128))"
              + " || (isCIDR(a.destination) && isIP(b.destination) && cidr(a.destination).ip() == ip(b.destination)"
              + " && cidr(a.destination).prefixLength() == (ip(b.destination).family() == 4 ? 32 : 128)))))",
      message =
          "routes: each destination (with its device) may appear only once, however it is spelled"
              + " (FD00::/8 is fd00::/8, 10.0.0.1 is 10.0.0.1/32)")
  // `default` is 0.0.0.0/0 for IPv4 and ::/0 for IPv6: both rules would set the same route.
  @ValidationRule(
      value =
          "!self.exists(a, a.destination == 'default' && self.exists(b, (has(b.device) ? b.device : '')"
              + " == (has(a.device) ? a.device : '') && isCIDR(b.destination)"
              + " && cidr(b.destination).prefixLength() == 0))",
      message =
          "routes: default and 0.0.0.0/0 or ::/0 (with the same device) are the same route;"
              + " keep one of them")
  private List<RouteRtoRule> routes;
}
