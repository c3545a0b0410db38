package dev.tcptune.status;

import dev.tcptune.api.v1alpha1.RolloutStatus;
import dev.tcptune.api.v1alpha1.TcpProfileStatus;
import io.fabric8.kubernetes.api.model.ConditionBuilder;

/**
 * Whether a new profile status is worth a write now. A staged rollout moves the counts with every
 * node, and writing each of those moves cost two status writes per node (the scale benchmark
 * counted 190 at 100 nodes). Anything but the counts (a condition's status or reason, a node in
 * trouble, a new generation, the matched nodes, failed or drifted counts) is written at once; the
 * counts of applied and done nodes alone are written when they cross a fifth of the matched nodes,
 * which includes reaching all of them. The reconciler writes counts that stayed behind for longer
 * than it allows regardless.
 */
public final class ProgressSteps {

  /** The counts are written at every fifth of the matched nodes. */
  public static final int STEPS = 5;

  private ProgressSteps() {}

  public static boolean worthWriting(TcpProfileStatus stored, TcpProfileStatus next) {
    if (stored == null) {
      return true;
    }
    if (!withoutProgress(stored).equals(withoutProgress(next))) {
      return true;
    }
    int matched = next.getMatchedNodes() == null ? 0 : next.getMatchedNodes();
    return step(stored.getAppliedNodes(), matched) != step(next.getAppliedNodes(), matched)
        || step(done(stored), matched) != step(done(next), matched);
  }

  private static Integer done(TcpProfileStatus status) {
    return status.getRollout() == null ? null : status.getRollout().getDoneNodes();
  }

  private static long step(Integer count, int matched) {
    if (count == null) {
      return -1;
    }
    return matched == 0 ? 0 : (long) count * STEPS / matched;
  }

  /** The status with the moving counts and the messages (which quote them) blanked. */
  private static TcpProfileStatus withoutProgress(TcpProfileStatus status) {
    TcpProfileStatus copy = new TcpProfileStatus();
    copy.setObservedGeneration(status.getObservedGeneration());
    copy.setConditions(
        status.getConditions().stream()
            .map(c -> new ConditionBuilder(c).withMessage(null).build())
            .toList());
    copy.setMatchedNodes(status.getMatchedNodes());
    copy.setDriftedNodes(status.getDriftedNodes());
    copy.setFailedNodes(status.getFailedNodes());
    copy.setNodesInTrouble(status.getNodesInTrouble());
    copy.setTimings(status.getTimings());
    RolloutStatus rollout = status.getRollout();
    if (rollout != null) {
      copy.setRollout(
          new RolloutStatus(
              rollout.getGeneration(),
              null,
              null,
              null,
              rollout.getPaused(),
              rollout.getMessage()));
    }
    return copy;
  }
}
