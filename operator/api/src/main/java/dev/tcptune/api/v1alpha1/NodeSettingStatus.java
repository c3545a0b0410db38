package dev.tcptune.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import lombok.AllArgsConstructor;
import lombok.Builder;
import lombok.Data;
import lombok.NoArgsConstructor;

/** One sysctl on one node. */
@Data
@Builder
@NoArgsConstructor
@AllArgsConstructor
@JsonInclude(JsonInclude.Include.NON_NULL)
public class NodeSettingStatus {
  @JsonPropertyDescription("The sysctl key.")
  private String key;

  @JsonPropertyDescription("What the spec asks for.")
  private String desired;

  @JsonPropertyDescription("What the node has.")
  private String actual;

  @JsonPropertyDescription("What the node had before tcptune first wrote it.")
  private String original;

  @JsonPropertyDescription(
      "InSync, Applied, Drifted, Failed, Unsupported, Invalid, Restored or Conflict.")
  private SettingState state;

  @JsonPropertyDescription("Why, when the state is not InSync or Applied.")
  private String message;

  @JsonPropertyDescription("When the state last changed.")
  private String since;
}
