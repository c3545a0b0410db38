package dev.tcptune.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import java.util.List;
import java.util.Map;
import lombok.Data;

/**
 * The CRD schema of {@code spec.nodeSelector}: a Kubernetes label selector with the checks the API
 * server makes on the selectors of built-in objects, which it does not make for custom resources.
 * The Java field stays a fabric8 {@code LabelSelector}; only the generated schema comes from here.
 *
 * <p>The sizes are bounded so that the API server can bound the cost of the CEL rules; without a
 * bound it refuses the whole CRD.
 */
@Data
public class NodeSelectorSchema {

  /** A Kubernetes label value (at most 63 characters, may be empty). */
  public static final String LABEL_VALUE = "^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$";

  /** The CRD's maxProperties of matchLabels. */
  public static final int MAX_MATCH_LABELS = 32;

  /** Why an empty matchLabels is refused. */
  public static final String MATCH_LABELS_EMPTY =
      "matchLabels: is empty, which would select every node (a label written as 'key:' with no"
          + " value is null and is dropped); write key: \"\" for a label without a value, or leave"
          + " matchLabels out";

  /** The CRD's maxItems of matchExpressions. */
  public static final int MAX_MATCH_EXPRESSIONS = 32;

  @JsonPropertyDescription(
      "Labels a node must have, key: value. Keys are label keys (an optional DNS subdomain prefix and '/',"
          + " then a name of at most 63 characters), values label values (at most 63 characters). At most 32.")
  @Size(max = MAX_MATCH_LABELS)
  @ValidationRule(
      value = "self.all(k, !format.qualifiedName().validate(k).hasValue())",
      message =
          "matchLabels: every key must be a label key: an optional DNS subdomain prefix of at most 253"
              + " characters and '/', then a name of 1..63 characters [A-Za-z0-9-_.] that starts and"
              + " ends with a letter or digit (e.g. topology.kubernetes.io/zone)",
      reason = "FieldValueInvalid")
  // `role:` with nothing after it is null in YAML; the API server drops a null before it validates,
  // so `matchLabels: {role: }` became `{}` and the profile selected every node. An empty
  // matchLabels is refused for that reason (an empty nodeSelector still selects every node).
  @ValidationRule(
      value = "size(self) > 0",
      message = MATCH_LABELS_EMPTY,
      reason = "FieldValueInvalid")
  private Map<String, @Size(max = 63) @Pattern(LABEL_VALUE) String> matchLabels;

  @JsonPropertyDescription("Label conditions a node must meet, all of them. At most 32.")
  @Size(max = MAX_MATCH_EXPRESSIONS)
  private List<LabelSelectorRequirementSchema> matchExpressions;
}
