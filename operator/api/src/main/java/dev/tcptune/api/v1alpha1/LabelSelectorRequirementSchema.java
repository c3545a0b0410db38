package dev.tcptune.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import java.util.List;
import lombok.Data;

/**
 * The CRD schema of one {@code spec.nodeSelector.matchExpressions} entry, with the rules of the
 * Kubernetes API server for label selector requirements.
 */
@ValidationRule(
    value = "!(self.operator in ['In', 'NotIn']) || (has(self.values) && size(self.values) > 0)",
    message = "values: must be specified when operator is In or NotIn",
    fieldPath = ".values",
    reason = "FieldValueRequired")
@ValidationRule(
    value =
        "!(self.operator in ['Exists', 'DoesNotExist']) || !has(self.values) || size(self.values) == 0",
    message = "values: may not be specified when operator is Exists or DoesNotExist",
    fieldPath = ".values",
    reason = "FieldValueForbidden")
@Data
public class LabelSelectorRequirementSchema {

  /** The CRD's maxItems of values. */
  public static final int MAX_VALUES = 64;

  /** Longest label key: a DNS subdomain prefix (253), '/', a name (63). */
  public static final int MAX_KEY_LENGTH = 253 + 1 + 63;

  @JsonPropertyDescription("The label key, e.g. topology.kubernetes.io/zone.")
  @Required
  @Size(max = MAX_KEY_LENGTH)
  @ValidationRule(
      value = "!format.qualifiedName().validate(self).hasValue()",
      messageExpression =
          "'key: ' + self + ' is not a label key (allowed: an optional DNS subdomain prefix and /, then a"
              + " name of 1..63 characters [A-Za-z0-9-_.] that starts and ends with a letter or digit)'",
      reason = "FieldValueInvalid")
  private String key;

  @JsonPropertyDescription("In, NotIn, Exists or DoesNotExist.")
  @Required
  private Operator operator;

  @JsonPropertyDescription(
      "Label values: at least one for In and NotIn, none for Exists and DoesNotExist. At most 64.")
  @Size(max = MAX_VALUES)
  private List<@Size(max = 63) @Pattern(NodeSelectorSchema.LABEL_VALUE) String> values;

  /** The operators of a Kubernetes label selector requirement. */
  public enum Operator {
    In,
    NotIn,
    Exists,
    DoesNotExist
  }
}
