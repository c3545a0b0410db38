package dev.tcptune.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import lombok.Data;

/**
 * The settings one node should have after every matching profile was merged by priority. The node's
 * agent runs as root and applies this: the schema admits only catalog keys, values of their shape,
 * valid route destinations and device names, and bounded lists.
 */
@Data
@JsonInclude(JsonInclude.Include.NON_NULL)
public class TcpNodeStateSpec {

  /** Most settings a spec may carry: the catalog has 14 keys, room to grow. */
  public static final int MAX_SETTINGS = 32;

  /** Most route rules a spec may carry (merged from several profiles). */
  public static final int MAX_ROUTES = 64;

  @JsonPropertyDescription("Names of the profiles that select this node, highest priority first.")
  @Size(max = 64)
  private List<@Size(max = 253) String> profiles = new ArrayList<>();

  @JsonPropertyDescription(
      "The metadata.generation of each profile in profiles that this spec carries: during a staged"
          + " rollout a node keeps an older generation until its turn comes.")
  @Size(max = 64)
  // Left out when empty: fabric8 writes an empty map as null, which the schema refuses.
  @JsonInclude(JsonInclude.Include.NON_EMPTY)
  private Map<String, Long> profileGenerations = new TreeMap<>();

  @JsonPropertyDescription("One entry per sysctl, with the profile it came from. Each key once.")
  @Size(max = MAX_SETTINGS)
  @ValidationRule(
      value = "self.all(a, self.exists_one(b, b.key == a.key))",
      message = "settings: each key may appear only once")
  private List<EffectiveSetting> settings = new ArrayList<>();

  @JsonPropertyDescription("One entry per route rule, with the profile it came from.")
  @Size(max = MAX_ROUTES)
  private List<EffectiveRoute> routes = new ArrayList<>();
}
