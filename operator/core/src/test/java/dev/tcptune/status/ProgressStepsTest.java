package dev.tcptune.status;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tcptune.api.v1alpha1.NodeProblem;
import dev.tcptune.api.v1alpha1.RolloutStatus;
import dev.tcptune.api.v1alpha1.TcpProfileStatus;
import io.fabric8.kubernetes.api.model.ConditionBuilder;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class ProgressStepsTest {

  @Test
  void aStagedRolloutOfAHundredNodesIsWrittenAtEveryFifth() {
    TcpProfileStatus stored = status(100, 0, "RollingOut");
    int writes = 0;
    for (int done = 1; done <= 100; done++) {
      TcpProfileStatus next = status(100, done, done == 100 ? "Complete" : "RollingOut");
      if (ProgressSteps.worthWriting(stored, next)) {
        writes++;
        stored = next;
      }
    }
    assertThat(writes).isEqualTo(ProgressSteps.STEPS);
    assertThat(stored.getAppliedNodes()).as("the last count is always written").isEqualTo(100);
  }

  @Test
  void smallFleetsAreWrittenAtEveryNode() {
    TcpProfileStatus stored = status(3, 0, "RollingOut");
    long writes =
        IntStream.rangeClosed(1, 3)
            .filter(
                done ->
                    ProgressSteps.worthWriting(
                        status(3, done - 1, "RollingOut"), status(3, done, "RollingOut")))
            .count();
    assertThat(writes).isEqualTo(3);
    assertThat(ProgressSteps.worthWriting(stored, stored)).isFalse();
  }

  @Test
  void aTransitionOrANodeInTroubleIsWrittenAtOnce() {
    TcpProfileStatus stored = status(100, 41, "RollingOut");

    assertThat(ProgressSteps.worthWriting(stored, status(100, 42, "RollingOut"))).isFalse();
    assertThat(ProgressSteps.worthWriting(stored, status(100, 42, "RolloutPaused"))).isTrue();
    TcpProfileStatus failing = status(100, 42, "RollingOut");
    failing.setFailedNodes(1);
    failing.setNodesInTrouble(List.of(new NodeProblem("n7", "Failed", "write refused")));
    assertThat(ProgressSteps.worthWriting(stored, failing)).isTrue();
    TcpProfileStatus newGeneration = status(100, 42, "RollingOut");
    newGeneration.setObservedGeneration(3L);
    assertThat(ProgressSteps.worthWriting(stored, newGeneration)).isTrue();
    assertThat(ProgressSteps.worthWriting(null, stored)).isTrue();
  }

  private static TcpProfileStatus status(int matched, int done, String reason) {
    TcpProfileStatus status = new TcpProfileStatus();
    status.setObservedGeneration(2L);
    status.setMatchedNodes(matched);
    status.setAppliedNodes(done);
    status.setFailedNodes(0);
    status.setDriftedNodes(0);
    status.setRollout(
        new RolloutStatus(2L, Math.min(matched, done + 1), done, matched - done - 1, false, null));
    status.setConditions(
        List.of(
            new ConditionBuilder()
                .withType("Progressing")
                .withStatus(reason.equals("Complete") ? "False" : "True")
                .withReason(reason)
                .withMessage(done + " of " + matched + " nodes applied")
                .withLastTransitionTime("2026-12-06T10:00:00Z")
                .build()));
    return status;
  }
}
