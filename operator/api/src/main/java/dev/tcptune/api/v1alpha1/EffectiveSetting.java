package dev.tcptune.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.crd.generator.annotation.SchemaFrom;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import lombok.AllArgsConstructor;
import lombok.Data;
import lombok.NoArgsConstructor;

/**
 * One sysctl value for a node and where it came from. The key is a plain string in Java so that the
 * agent can still read, name and refuse a key that reached it past admission; the schema only
 * allows the keys of {@link TunableKey}.
 */
@Data
@NoArgsConstructor
@AllArgsConstructor
@JsonInclude(JsonInclude.Include.NON_NULL)
// The range of each key is the catalog's, checked by the agent; admission checks the shape.
@ValidationRule(
    value =
        "self.key == 'net.ipv4.ip_local_port_range'"
            + " ? self.value.matches('^[0-9]{1,5} [0-9]{1,5}$') : self.value.matches('^[0-9]{1,7}$')",
    messageExpression =
        "'value: ' + self.value + ' is not allowed for ' + self.key + ' (allowed: '"
            + " + (self.key == 'net.ipv4.ip_local_port_range' ? 'two ports \"LOW HIGH\"'"
            + " : 'a non-negative integer') + ')'",
    reason = "FieldValueInvalid")
public class EffectiveSetting {
  @JsonPropertyDescription(
      "The sysctl key, one of the keys tcptune knows (its catalog), e.g. net.core.somaxconn.")
  @Required
  @SchemaFrom(type = TunableKey.class)
  @Size(max = 64)
  private String key;

  @JsonPropertyDescription(
      "The value as sysctl prints it: an integer, or two ports \"LOW HIGH\" for"
          + " net.ipv4.ip_local_port_range. The agent also checks the catalog's range.")
  @Required
  @Size(max = 16)
  @Pattern("^[0-9]{1,7}( [0-9]{1,5})?$")
  private String value;

  @JsonPropertyDescription("The TcpProfile that set this value.")
  @Size(max = 253)
  private String profile;

  @JsonPropertyDescription("Enforce or Audit, from that profile.")
  private Mode mode;
}
