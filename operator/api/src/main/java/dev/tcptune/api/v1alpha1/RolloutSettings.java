package dev.tcptune.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.ValidationRule;
import io.fabric8.kubernetes.api.model.IntOrString;
import lombok.Data;

/** How a changed profile reaches its nodes: a few at a time, stopping at the first failure. */
@Data
@JsonInclude(JsonInclude.Include.NON_NULL)
public class RolloutSettings {

  /** Fewest nodes that may change at a time, as a count. */
  public static final int MIN_MAX_UNAVAILABLE = 1;

  /** Most nodes that may change at a time, as a count. */
  public static final int MAX_MAX_UNAVAILABLE = 10000;

  /**
   * A percent 1%..100% of the selected nodes (up to three digits, as Kubernetes reads a percent of
   * a Deployment's maxUnavailable: 050% is 50%).
   */
  public static final String MAX_UNAVAILABLE_PERCENT = "^(0{0,2}[1-9]|0?[1-9][0-9]|100)%$";

  /** What maxUnavailable allows, as messages say it. */
  public static final String MAX_UNAVAILABLE_ALLOWED =
      "a count 1..10000 or a percent \"1%\"..\"100%\"";

  @JsonPropertyDescription(
      "How many selected nodes may be changing (not yet reporting this generation Applied) at a time:"
          + " a count (1..10000) or a percent of the selected nodes (\"1%\"..\"100%\", rounded down,"
          + " at least 1). Default 1.")
  // Without it the API server stores 0, -3, "abc" or "200%" and the operator can only mark the
  // profile Invalid afterwards. A static message: string(int) in a messageExpression costs the CRD
  // its cost budget (see PortRange).
  @ValidationRule(
      value =
          "type(self) == int ? (self >= "
              + MIN_MAX_UNAVAILABLE
              + " && self <= "
              + MAX_MAX_UNAVAILABLE
              + ") : self.matches('"
              + MAX_UNAVAILABLE_PERCENT
              + "')",
      message = "maxUnavailable: must be " + MAX_UNAVAILABLE_ALLOWED + " of the selected nodes",
      reason = "FieldValueInvalid")
  private IntOrString maxUnavailable;

  @JsonPropertyDescription(
      "Stop handing this generation to more nodes when a node fails or degrades with it. A new"
          + " generation of the profile continues. Default true.")
  @Default("true")
  private Boolean pauseOnFailure;
}
