package dev.tcptune.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.ValidationRule;
import lombok.AllArgsConstructor;
import lombok.Data;
import lombok.NoArgsConstructor;

/** An inclusive range of ephemeral ports (net.ipv4.ip_local_port_range). */
@Data
@NoArgsConstructor
@AllArgsConstructor
// A static message: a messageExpression with string(self.low) makes the API server refuse the
// whole CRD (the cost estimate of string(int) is 100x the budget, kubernetes/kubernetes#124234).
@ValidationRule(
    value = "self.low <= self.high",
    message =
        "localPortRange: low must be less than or equal to high (the kernel refuses an inverted"
            + " range)",
    reason = "FieldValueInvalid")
public class PortRange {

  @JsonPropertyDescription("First ephemeral port. 1024..65535 (ports below 1024 are privileged).")
  @Required
  @Min(1024)
  @Max(65535)
  private Integer low;

  @JsonPropertyDescription("Last ephemeral port, at least low. 1024..65535.")
  @Required
  @Min(1024)
  @Max(65535)
  private Integer high;
}
