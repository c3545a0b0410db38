package dev.tcptune.fleet;

import dev.tcptune.api.v1alpha1.NodeProblem;
import java.util.Optional;
import java.util.Set;

/**
 * Which selected nodes may carry a profile's current generation now. A node that already carries it
 * keeps it; the others get it in name order, as long as fewer than maxUnavailable nodes are
 * changing (carrying it but not yet reporting it Applied) or failed, and the rollout is not paused.
 */
public record RolloutPlan(
    long generation,
    Set<String> admitted,
    int updated,
    int done,
    int pending,
    boolean paused,
    Optional<NodeProblem> pausedBy) {

  public boolean complete() {
    return pending == 0 && done == updated;
  }
}
