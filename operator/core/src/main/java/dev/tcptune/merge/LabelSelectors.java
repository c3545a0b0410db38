package dev.tcptune.merge;

import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.LabelSelectorRequirement;
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
   * @throws IllegalArgumentException for an unknown operator ({@code ProfileValidator} reports it)
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
}
