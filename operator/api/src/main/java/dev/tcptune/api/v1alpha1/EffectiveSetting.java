package dev.tcptune.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Required;
import lombok.AllArgsConstructor;
import lombok.Data;
import lombok.NoArgsConstructor;

/** One sysctl value for a node and where it came from. */
@Data
@NoArgsConstructor
@AllArgsConstructor
public class EffectiveSetting {
  @JsonPropertyDescription("The sysctl key, e.g. net.core.somaxconn.")
  @Required
  private String key;

  @JsonPropertyDescription("The value as sysctl prints it, e.g. 4096 or \"32768 60999\".")
  @Required
  private String value;

  @JsonPropertyDescription("The TcpProfile that set this value.")
  private String profile;

  @JsonPropertyDescription("Enforce or Audit, from that profile.")
  private Mode mode;
}
