package dev.tcptune.status;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.Condition;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;

class ConditionFactoryTest {

  private static final Instant T0 = Instant.parse("2026-11-23T10:00:00.700Z");

  @Test
  void newConditionHasEveryStandardFieldAndNowAsTransition() {
    Condition c = at(T0).condition("Applied", true, "Applied", "all 3 in sync", 4, List.of());

    assertThat(c.getType()).isEqualTo("Applied");
    assertThat(c.getStatus()).isEqualTo("True");
    assertThat(c.getReason()).isEqualTo("Applied");
    assertThat(c.getMessage()).isEqualTo("all 3 in sync");
    assertThat(c.getObservedGeneration()).isEqualTo(4L);
    assertThat(c.getLastTransitionTime()).isEqualTo("2026-11-23T10:00:00Z");
  }

  @Test
  void sameStatusKeepsTheTransitionTimeEvenWithAnotherReasonOrMessage() {
    Condition first = at(T0).condition("Drifted", false, "InSync", "a", 1, List.of());

    Condition later =
        at(T0.plusSeconds(600)).condition("Drifted", false, "InSync", "b", 2, List.of(first));

    assertThat(later.getLastTransitionTime()).isEqualTo("2026-11-23T10:00:00Z");
    assertThat(later.getMessage()).isEqualTo("b");
  }

  @Test
  void changedStatusMovesTheTransitionTime() {
    Condition first = at(T0).condition("Drifted", false, "InSync", "", 1, List.of());

    Condition later =
        at(T0.plusSeconds(600)).condition("Drifted", true, "DriftDetected", "x", 1, List.of(first));

    assertThat(later.getLastTransitionTime()).isEqualTo("2026-11-23T10:10:00Z");
  }

  @Test
  void reasonMustBeCamelCase() {
    assertThatThrownBy(() -> at(T0).condition("Applied", true, "not applied", "", 1, List.of()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'not applied' is not CamelCase");
  }

  private static ConditionFactory at(Instant now) {
    return new ConditionFactory(Clock.fixed(now, ZoneOffset.UTC));
  }
}
