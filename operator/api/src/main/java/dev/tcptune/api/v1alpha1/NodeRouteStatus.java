package dev.tcptune.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import lombok.AllArgsConstructor;
import lombok.Builder;
import lombok.Data;
import lombok.NoArgsConstructor;

/** One route on one node that a route rule matched. */
@Data
@Builder
@NoArgsConstructor
@AllArgsConstructor
@JsonInclude(JsonInclude.Include.NON_NULL)
public class NodeRouteStatus {
  @JsonPropertyDescription("The route rule of the spec, e.g. `127.0.0.1 rto_min 20ms`.")
  private String rule;

  @JsonPropertyDescription(
      "The matched route as table/destination/device[/metric], absent when the rule matched none.")
  private String route;

  @JsonPropertyDescription("The route's destination as `ip route` prints it.")
  private String destination;

  @JsonPropertyDescription("The route's device.")
  private String device;

  @JsonPropertyDescription("The routing table, e.g. main or local.")
  private String table;

  @JsonPropertyDescription("The rto_min the spec asks for.")
  private String desired;

  @JsonPropertyDescription("The rto_min on the route, absent when unset (the kernel's 200ms).")
  private String actual;

  @JsonPropertyDescription(
      "The rto_min before tcptune first changed the route, `unset` when it had none.")
  private String original;

  @JsonPropertyDescription(
      "InSync, Applied, Drifted, Failed, Unsupported, Invalid, Restored or Conflict.")
  private SettingState state;

  @JsonPropertyDescription("Why, when the state is not InSync or Applied.")
  private String message;
}
