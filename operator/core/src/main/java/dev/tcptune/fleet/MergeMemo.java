package dev.tcptune.fleet;

import dev.tcptune.merge.NodeMerge;
import dev.tcptune.merge.ProfileContribution;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * What the previous plan merged, and from what. A staged rollout plans the fleet again after each
 * node's report, yet the inputs of almost every node's merge are the same objects as last time: the
 * same profile contributions, the same node state. Those nodes keep their merge; only a node whose
 * inputs changed is merged again. Inputs are compared by identity, which is exact here: a profile's
 * contribution is the previous plan's object only while it is equal to the new one, and the
 * informer caches replace a state object when it changes.
 *
 * <p>Owned by one caller of the planner and used under its lock: not for sharing between threads.
 */
public final class MergeMemo {

  /** A merge and the inputs it was made from. */
  record Made(List<Object> inputs, NodeMerge merge) {}

  private Map<String, ProfileContribution> contributions = Map.of();
  private Map<String, Made> merges = Map.of();

  /** {@code fresh}, or the previous plan's contribution of the same profile when equal to it. */
  ProfileContribution contribution(String profile, ProfileContribution fresh) {
    ProfileContribution known = contributions.get(profile);
    return fresh.equals(known) ? known : fresh;
  }

  /**
   * The merge of {@code node} from {@code inputs}: the previous one when the inputs are the same.
   * Recorded in {@code next}, the plan's table that {@link #keep} takes at its end.
   */
  NodeMerge merge(
      String node, List<Object> inputs, Supplier<NodeMerge> make, Map<String, Made> next) {
    Made known = merges.get(node);
    Made made =
        known != null && same(known.inputs(), inputs) ? known : new Made(inputs, make.get());
    next.put(node, made);
    return made.merge();
  }

  /** What the plan just made becomes what the next plan compares with. */
  void keep(Map<String, ProfileContribution> contributions, Map<String, Made> merges) {
    this.contributions = Map.copyOf(contributions);
    this.merges = merges;
  }

  private static boolean same(List<Object> a, List<Object> b) {
    if (a.size() != b.size()) {
      return false;
    }
    for (int i = 0; i < a.size(); i++) {
      if (a.get(i) != b.get(i)) {
        return false;
      }
    }
    return true;
  }
}
