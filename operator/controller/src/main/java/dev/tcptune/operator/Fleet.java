package dev.tcptune.operator;

import dev.tcptune.api.v1alpha1.TcpNodeState;
import dev.tcptune.api.v1alpha1.TcpProfile;
import dev.tcptune.fleet.AgentReports;
import dev.tcptune.fleet.FleetPlan;
import dev.tcptune.fleet.FleetPlanner;
import dev.tcptune.fleet.MergeMemo;
import dev.tcptune.fleet.NodeInput;
import dev.tcptune.fleet.ProfilePlan;
import dev.tcptune.kernel.catalog.TunableCatalog;
import dev.tcptune.profile.ProfileValidator;
import io.fabric8.kubernetes.api.model.Node;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.stream.Stream;

/**
 * Turns what the informers hold into the planner's input; every reconciler plans the same way. A
 * plan is computed once per content of the caches: after a burst of node reports many reconciles
 * find the same content, and planning the whole fleet again in each of them made convergence at
 * 1,000 nodes quadratic (the scale benchmark's thread dumps showed every reconciler thread in the
 * planner). Whether the content changed since the last plan is told by {@link CacheChanges}, which
 * the caches' stores count: constant time per reconcile.
 *
 * <p>A node's report changes what other nodes get only through rollout slots: a node done or failed
 * lets the next ones in. Rather than reconciling every node on every report (at 1,000 nodes a burst
 * of reports queued a million reconcile requests and most of the operator's memory), each new plan
 * names the nodes it admits that the previous plan had not, once. For the same reason a node's own
 * reconcile need not wait for a plan of other nodes' newer reports ({@link #planFor}).
 */
final class Fleet {

  /** A plan, the node states it was made from and their agents' reports. */
  record Snapshot(FleetPlan plan, Map<String, TcpNodeState> states, AgentReports reports) {}

  private record Memo(long changes, long fleetChanges, Snapshot snapshot) {}

  private final FleetPlanner planner =
      new FleetPlanner(new ProfileValidator(TunableCatalog.standard()));
  private final CacheChanges changes;
  private final Consumer<String> onAdmitted;
  private final MergeMemo merges = new MergeMemo();
  private Memo memo;

  /**
   * A fleet whose plans wake nobody: for readers of the plan such as the profile status.
   *
   * @param changes counted by the stores of every cache this fleet's plans read
   */
  Fleet(CacheChanges changes) {
    this(changes, node -> {});
  }

  /**
   * @param changes counted by the stores of every cache this fleet's plans read
   * @param onAdmitted told of each node that a new plan admits to a profile's current generation
   *     and the previous plan had not (the reconcile that made the plan writes only its own node)
   */
  Fleet(CacheChanges changes, Consumer<String> onAdmitted) {
    this.changes = changes;
    this.onAdmitted = onAdmitted;
  }

  /**
   * The plan a reconcile of {@code node} may act on: the last plan, when no Node or profile changed
   * since it was made and it was made from the node's state at {@code stateVersion} (the
   * resourceVersion this reconcile reads, {@code null} for none); else a new plan of what the
   * caches hold. Reports of other nodes since then change what this node gets only through rollout
   * slots, and the reconciles of those nodes plan anew and wake whom the slots let in; acting on
   * the last plan is what this reconcile would have done had it run before those reports. At 1,000
   * nodes all at once, planning anew after every report (and after every echo of the operator's own
   * writes) was most of the operator's CPU in a rollout.
   */
  synchronized Snapshot planFor(
      String node,
      String stateVersion,
      Supplier<Stream<Node>> nodes,
      Supplier<Stream<TcpProfile>> profiles,
      Supplier<Stream<TcpNodeState>> states) {
    if (memo != null
        && memo.fleetChanges() == changes.fleetCount()
        && Objects.equals(versionOf(memo.snapshot().states().get(node)), stateVersion)) {
      return memo.snapshot();
    }
    return plan(nodes, profiles, states);
  }

  private static String versionOf(TcpNodeState state) {
    return state == null ? null : state.getMetadata().getResourceVersion();
  }

  /**
   * The plan of what the caches hold now. One plan at a time: reconciles waiting here read the
   * caches once they get their turn, so after a burst of events they all find the plan of the
   * newest content instead of each planning a content of its own.
   */
  synchronized Snapshot plan(
      Supplier<Stream<Node>> nodes,
      Supplier<Stream<TcpProfile>> profiles,
      Supplier<Stream<TcpNodeState>> states) {
    // Counted before the caches are read: a change during the reads makes the next call plan again.
    long seen = changes.count();
    long seenFleet = changes.fleetCount();
    if (memo != null && memo.changes() == seen) {
      return memo.snapshot();
    }
    List<NodeInput> nodeInputs =
        nodes
            .get()
            .map(n -> new NodeInput(n.getMetadata().getName(), n.getMetadata().getLabels()))
            .sorted(Comparator.comparing(NodeInput::name))
            .toList();
    List<TcpProfile> profileList =
        profiles.get().sorted(Comparator.comparing(p -> p.getMetadata().getName())).toList();
    Map<String, TcpNodeState> byName = byName(states.get());
    FleetPlan before = memo == null ? null : memo.snapshot().plan();
    // After one node's report only that node's state is a new object: every other report, and
    // what it already answered, carries over.
    AgentReports reports =
        memo == null ? AgentReports.of(byName) : AgentReports.of(byName, memo.snapshot().reports());
    FleetPlan plan = planner.plan(nodeInputs, profileList, byName, reports, merges);
    memo = new Memo(seen, seenFleet, new Snapshot(plan, byName, reports));
    newlyAdmitted(before, plan).forEach(onAdmitted);
    return memo.snapshot();
  }

  /** Nodes admitted to a profile's generation in {@code after} but not in {@code before}. */
  static Set<String> newlyAdmitted(FleetPlan before, FleetPlan after) {
    Set<String> nodes = new TreeSet<>();
    after
        .profiles()
        .forEach(
            (name, plan) -> {
              if (plan.rollout() == null) {
                return;
              }
              ProfilePlan old = before == null ? null : before.profiles().get(name);
              Set<String> had =
                  old != null
                          && old.rollout() != null
                          && old.rollout().generation() == plan.rollout().generation()
                      ? old.rollout().admitted()
                      : Set.of();
              plan.rollout().admitted().stream().filter(n -> !had.contains(n)).forEach(nodes::add);
            });
    return nodes;
  }

  /** Looked up by name only (readers that list it sort their own copy): a hash map is enough. */
  private static Map<String, TcpNodeState> byName(Stream<TcpNodeState> states) {
    Map<String, TcpNodeState> map = new HashMap<>();
    states.forEach(s -> map.put(s.getMetadata().getName(), s));
    return map;
  }
}
