package dev.tcptune.profile;

import dev.tcptune.api.v1alpha1.LabelSelectorRequirementSchema;
import dev.tcptune.api.v1alpha1.NodeSelectorSchema;
import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.LabelSelectorRequirement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The checks of {@code spec.nodeSelector} that the CRD makes with {@link NodeSelectorSchema}: the
 * Kubernetes rules for label selectors, and the same size limits.
 */
final class NodeSelectorRules {

  private static final String PATH = "spec.nodeSelector";
  private static final String OPERATORS =
      Arrays.stream(LabelSelectorRequirementSchema.Operator.values())
          .map(Enum::name)
          .collect(Collectors.joining(", "));

  private NodeSelectorRules() {}

  static List<FieldError> check(LabelSelector selector) {
    List<FieldError> errors = new ArrayList<>();
    if (selector == null) {
      return errors;
    }
    unknownFields(PATH, selector.getAdditionalProperties(), errors);
    checkMatchLabels(selector.getMatchLabels(), errors);
    List<LabelSelectorRequirement> expressions = selector.getMatchExpressions();
    if (expressions == null) {
      return errors;
    }
    if (expressions.size() > NodeSelectorSchema.MAX_MATCH_EXPRESSIONS) {
      errors.add(
          new FieldError(
              PATH + ".matchExpressions",
              expressions.size()
                  + " expressions is too many (allowed: at most "
                  + NodeSelectorSchema.MAX_MATCH_EXPRESSIONS
                  + ")"));
    }
    for (int i = 0; i < expressions.size(); i++) {
      checkRequirement(expressions.get(i), PATH + ".matchExpressions[" + i + "]", errors);
    }
    return errors;
  }

  private static void checkMatchLabels(Map<String, String> labels, List<FieldError> errors) {
    if (labels == null) {
      return;
    }
    String path = PATH + ".matchLabels";
    if (labels.size() > NodeSelectorSchema.MAX_MATCH_LABELS) {
      errors.add(
          new FieldError(
              path,
              labels.size()
                  + " labels is too many (allowed: at most "
                  + NodeSelectorSchema.MAX_MATCH_LABELS
                  + ")"));
    }
    for (Map.Entry<String, String> label : labels.entrySet()) {
      KubernetesNames.labelKeyProblem(label.getKey())
          .ifPresent(
              problem ->
                  errors.add(
                      new FieldError(
                          path,
                          "key "
                              + Shown.quoted(label.getKey())
                              + " is not a label key: "
                              + problem
                              + " (allowed: "
                              + KubernetesNames.LABEL_KEY_ALLOWED
                              + ")")));
      // A null value is dropped by the API server, as it is here: the label is not required.
      if (label.getValue() != null && !KubernetesNames.isLabelValue(label.getValue())) {
        errors.add(
            new FieldError(
                path + "." + Shown.text(label.getKey()),
                Shown.quoted(label.getValue())
                    + " is not a label value (allowed: "
                    + KubernetesNames.LABEL_VALUE_ALLOWED
                    + ")"));
      }
    }
  }

  private static void checkRequirement(
      LabelSelectorRequirement requirement, String path, List<FieldError> errors) {
    if (requirement == null) {
      errors.add(
          new FieldError(
              path, "null is not allowed (allowed: an object with key, operator and values)"));
      return;
    }
    unknownFields(path, requirement.getAdditionalProperties(), errors);
    String key = requirement.getKey();
    if (key == null) {
      errors.add(
          new FieldError(
              path + ".key", "is required (allowed: " + KubernetesNames.LABEL_KEY_ALLOWED + ")"));
    } else {
      KubernetesNames.labelKeyProblem(key)
          .ifPresent(
              problem ->
                  errors.add(
                      new FieldError(
                          path + ".key",
                          Shown.quoted(key)
                              + " is not a label key: "
                              + problem
                              + " (allowed: "
                              + KubernetesNames.LABEL_KEY_ALLOWED
                              + ")")));
    }
    List<String> values = requirement.getValues() == null ? List.of() : requirement.getValues();
    String operator = requirement.getOperator();
    if (operator == null) {
      errors.add(new FieldError(path + ".operator", "is required (allowed: " + OPERATORS + ")"));
    } else if (operator.equals("In") || operator.equals("NotIn")) {
      if (values.isEmpty()) {
        errors.add(
            new FieldError(
                path + ".values",
                "must be specified when operator is In or NotIn (allowed: 1.."
                    + LabelSelectorRequirementSchema.MAX_VALUES
                    + " label values)"));
      }
    } else if (operator.equals("Exists") || operator.equals("DoesNotExist")) {
      if (!values.isEmpty()) {
        errors.add(
            new FieldError(
                path + ".values",
                "may not be specified when operator is Exists or DoesNotExist (allowed: none)"));
      }
    } else {
      errors.add(
          new FieldError(
              path + ".operator",
              Shown.quoted(operator) + " is not allowed (allowed: one of " + OPERATORS + ")"));
    }
    if (values.size() > LabelSelectorRequirementSchema.MAX_VALUES) {
      errors.add(
          new FieldError(
              path + ".values",
              values.size()
                  + " values is too many (allowed: at most "
                  + LabelSelectorRequirementSchema.MAX_VALUES
                  + ")"));
    }
    for (int i = 0; i < values.size(); i++) {
      String value = values.get(i);
      if (value == null || !KubernetesNames.isLabelValue(value)) {
        errors.add(
            new FieldError(
                path + ".values[" + i + "]",
                (value == null ? "null" : Shown.quoted(value))
                    + " is not a label value (allowed: "
                    + KubernetesNames.LABEL_VALUE_ALLOWED
                    + ")"));
      }
    }
  }

  /** fabric8's model keeps unknown fields aside; the API server refuses them. */
  static void unknownFields(String path, Map<String, Object> extra, List<FieldError> errors) {
    if (extra == null) {
      return;
    }
    for (String name : extra.keySet()) {
      errors.add(new FieldError(path + "." + Shown.text(name), "unknown field"));
    }
  }
}
