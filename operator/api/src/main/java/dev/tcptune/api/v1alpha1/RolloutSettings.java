package dev.tcptune.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.kubernetes.api.model.IntOrString;
import lombok.Data;

/** How a changed profile reaches its nodes: a few at a time, stopping at the first failure. */
@Data
@JsonInclude(JsonInclude.Include.NON_NULL)
public class RolloutSettings {

  @JsonPropertyDescription(
      "How many selected nodes may be changing (not yet reporting this generation Applied) at a time:"
          + " a count (1..10000) or a percent of the selected nodes (\"1%\"..\"100%\", rounded down,"
          + " at least 1). Default 1.")
  private IntOrString maxUnavailable;

  @JsonPropertyDescription(
      "Stop handing this generation to more nodes when a node fails or degrades with it. A new"
          + " generation of the profile continues. Default true.")
  @Default("true")
  private Boolean pauseOnFailure;
}
