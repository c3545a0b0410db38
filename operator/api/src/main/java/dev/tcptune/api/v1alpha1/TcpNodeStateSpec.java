package dev.tcptune.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.ArrayList;
import java.util.List;
import lombok.Data;

/** The settings one node should have after every matching profile was merged by priority. */
@Data
@JsonInclude(JsonInclude.Include.NON_NULL)
public class TcpNodeStateSpec {

  @JsonPropertyDescription("Names of the profiles that select this node, highest priority first.")
  private List<String> profiles = new ArrayList<>();

  @JsonPropertyDescription("One entry per sysctl, with the profile it came from.")
  private List<EffectiveSetting> settings = new ArrayList<>();

  @JsonPropertyDescription("One entry per route rule, with the profile it came from.")
  private List<EffectiveRoute> routes = new ArrayList<>();
}
