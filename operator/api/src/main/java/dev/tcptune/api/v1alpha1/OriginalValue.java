package dev.tcptune.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import lombok.AllArgsConstructor;
import lombok.Builder;
import lombok.Data;
import lombok.NoArgsConstructor;

/**
 * One entry of a node's journal of originals: a sysctl or a route, the value it had before tcptune
 * first wrote it, and the value tcptune wrote. Restore writes the original back only while the
 * value is still the one tcptune wrote.
 */
@Data
@Builder
@NoArgsConstructor
@AllArgsConstructor
@JsonInclude(JsonInclude.Include.NON_NULL)
public class OriginalValue {
  @JsonPropertyDescription("The sysctl key, for a sysctl.")
  private String key;

  @JsonPropertyDescription("The route (table/destination/device[/metric]), for a route rto_min.")
  private String route;

  @JsonPropertyDescription(
      "The value before tcptune first wrote it; for a route its rto_min in ms, `unset` when it had"
          + " none.")
  private String original;

  @JsonPropertyDescription("The value tcptune last wrote (for a route: rto_min in ms).")
  private String written;
}
