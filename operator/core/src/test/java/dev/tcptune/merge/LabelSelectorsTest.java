package dev.tcptune.merge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.LabelSelectorBuilder;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LabelSelectorsTest {

  private static LabelSelector expression(String key, String operator, String... values) {
    return new LabelSelectorBuilder()
        .addNewMatchExpression()
        .withKey(key)
        .withOperator(operator)
        .withValues(values)
        .endMatchExpression()
        .build();
  }

  @Test
  void absentOrEmptySelectorSelectsEveryNode() {
    assertThat(LabelSelectors.matches(null, Map.of())).isTrue();
    assertThat(LabelSelectors.matches(new LabelSelector(), Map.of("a", "b"))).isTrue();
  }

  @Test
  void eachOperatorAsTheApiServerDefinesIt() {
    Map<String, String> web = Map.of("pool", "web");
    Map<String, String> none = Map.of();

    assertThat(LabelSelectors.matches(expression("pool", "In", "web", "api"), web)).isTrue();
    assertThat(LabelSelectors.matches(expression("pool", "In", "web"), none)).isFalse();
    assertThat(LabelSelectors.matches(expression("pool", "NotIn", "web"), web)).isFalse();
    assertThat(LabelSelectors.matches(expression("pool", "NotIn", "web"), none)).isTrue();
    assertThat(LabelSelectors.matches(expression("pool", "Exists"), web)).isTrue();
    assertThat(LabelSelectors.matches(expression("pool", "Exists"), none)).isFalse();
    assertThat(LabelSelectors.matches(expression("pool", "DoesNotExist"), none)).isTrue();
    assertThat(LabelSelectors.matches(expression("pool", "DoesNotExist"), web)).isFalse();
  }

  @Test
  void matchLabelsAndExpressionsMustAllHold() {
    LabelSelector selector =
        new LabelSelectorBuilder()
            .withMatchLabels(Map.of("role", "ingress"))
            .addNewMatchExpression()
            .withKey("zone")
            .withOperator("In")
            .withValues("a")
            .endMatchExpression()
            .build();

    assertThat(LabelSelectors.matches(selector, Map.of("role", "ingress", "zone", "a"))).isTrue();
    assertThat(LabelSelectors.matches(selector, Map.of("role", "ingress", "zone", "b"))).isFalse();
    assertThat(LabelSelectors.matches(selector, Map.of("zone", "a"))).isFalse();
  }

  @Test
  void unknownOperatorIsNeverMatchedSilently() {
    assertThatThrownBy(
            () ->
                LabelSelectors.matches(expression("pool", "Equals", "web"), Map.of("pool", "web")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("Equals");
  }
}
