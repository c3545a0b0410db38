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
    errors.addAll(
        KubernetesNames.unknownFields(PATH, selector, selector.getAdditionalProperties()));
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
    String path = PATH + ".matchLabels";
    if (labels != null && labels.size() > NodeSelectorSchema.MAX_MATCH_LABELS) {
      errors.add(
          new FieldError(
              path,
              labels.size()
                  + " labels is too many (allowed: at most "
                  + NodeSelectorSchema.MAX_MATCH_LABELS
                  + ")"));
    }
    errors.addAll(KubernetesNames.labelErrors(path, labels));
  }

  private static void checkRequirement(
      LabelSelectorRequirement requirement, String path, List<FieldError> errors) {
    if (requirement == null) {
      errors.add(
          new FieldError(
              path, "null is not allowed (allowed: an object with key, operator and values)"));
      return;
    }
    errors.addAll(
        KubernetesNames.unknownFields(path, requirement, requirement.getAdditionalProperties()));
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
}
