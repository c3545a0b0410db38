package dev.tcptune.merge;

import dev.tcptune.profile.FieldError;
import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.LabelSelectorRequirement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Label selectors with the API server's semantics: every {@code matchLabels} pair and every
 * expression must hold; an absent or empty selector selects everything. Pure, so that the operator
 * never depends on a server (or the fabric8 mock, which ignores {@code In}/{@code NotIn}) to decide
 * which nodes a profile selects.
 */
public final class LabelSelectors {

  private static final Set<String> OPERATORS = Set.of("In", "NotIn", "Exists", "DoesNotExist");

  private LabelSelectors() {}

  /**
   * Whether {@code selector} selects an object with {@code labels}.
   *
   * @throws IllegalArgumentException for an expression {@link #validate} reports
   */
  public static boolean matches(LabelSelector selector, Map<String, String> labels) {
    if (selector == null) {
      return true;
    }
    Map<String, String> present = labels == null ? Map.of() : labels;
    if (selector.getMatchLabels() != null) {
      for (Map.Entry<String, String> wanted : selector.getMatchLabels().entrySet()) {
        if (!Objects.equals(present.get(wanted.getKey()), wanted.getValue())) {
          return false;
        }
      }
    }
    if (selector.getMatchExpressions() != null) {
      for (LabelSelectorRequirement expression : selector.getMatchExpressions()) {
        if (!holds(expression, present)) {
          return false;
        }
      }
    }
    return true;
  }

  private static boolean holds(LabelSelectorRequirement expression, Map<String, String> labels) {
    String key = expression.getKey();
    List<String> values = expression.getValues() == null ? List.of() : expression.getValues();
    return switch (String.valueOf(expression.getOperator())) {
      case "In" -> labels.containsKey(key) && values.contains(labels.get(key));
      case "NotIn" -> !labels.containsKey(key) || !values.contains(labels.get(key));
      case "Exists" -> labels.containsKey(key);
      case "DoesNotExist" -> !labels.containsKey(key);
      default ->
          throw new IllegalArgumentException(
              "operator: '" + expression.getOperator() + "' is not one of " + OPERATORS);
    };
  }

  /** Every error of {@code selector} (at {@code path}), as the API server reports them. */
  public static List<FieldError> validate(LabelSelector selector, String path) {
    List<FieldError> errors = new ArrayList<>();
    if (selector == null || selector.getMatchExpressions() == null) {
      return errors;
    }
    for (int i = 0; i < selector.getMatchExpressions().size(); i++) {
      LabelSelectorRequirement expression = selector.getMatchExpressions().get(i);
      String at = path + ".matchExpressions[" + i + "]";
      String operator = expression.getOperator();
      int values = expression.getValues() == null ? 0 : expression.getValues().size();
      if (expression.getKey() == null || expression.getKey().isEmpty()) {
        errors.add(new FieldError(at + ".key", "is required (allowed: a label key)"));
      }
      if (operator == null || !OPERATORS.contains(operator)) {
        errors.add(
            new FieldError(
                at + ".operator",
                "'" + operator + "' is not allowed (allowed: In, NotIn, Exists, DoesNotExist)"));
      } else if ((operator.equals("In") || operator.equals("NotIn")) && values == 0) {
        errors.add(
            new FieldError(at + ".values", "must not be empty when the operator is " + operator));
      } else if ((operator.equals("Exists") || operator.equals("DoesNotExist")) && values > 0) {
        errors.add(
            new FieldError(at + ".values", "must be empty when the operator is " + operator));
      }
    }
    return errors;
  }
}
