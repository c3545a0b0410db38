package dev.tcptune.operator;

import dev.tcptune.api.v1alpha1.TcpNodeState;
import dev.tcptune.api.v1alpha1.TcpProfile;
import dev.tcptune.fleet.FleetPlan;
import dev.tcptune.fleet.FleetPlanner;
import dev.tcptune.fleet.NodeInput;
import dev.tcptune.kernel.catalog.TunableCatalog;
import dev.tcptune.profile.ProfileValidator;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Node;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Supplier;
import java.util.stream.Stream;

/**
 * Turns what the informers hold into the planner's input; every reconciler plans the same way. A
 * plan is computed once per content of the caches: every TcpNodeState event reconciles every Node
 * (each may gain or lose a rollout slot), and planning the whole fleet again in each of those 1,000
 * reconciles made convergence at 1,000 nodes quadratic (the scale benchmark's thread dumps showed
 * every reconciler thread in the planner). The key compares names, labels and resourceVersions:
 * linear, and exact.
 */
final class Fleet {

  /** A plan and the node states it was made from. */
  record Snapshot(FleetPlan plan, Map<String, TcpNodeState> states) {}

  private record Key(
      List<NodeInput> nodes, List<String> profileVersions, List<String> stateVersions) {}

  private record Memo(Key key, Snapshot snapshot) {}

  private final FleetPlanner planner =
      new FleetPlanner(new ProfileValidator(TunableCatalog.standard()));
  private Memo memo;

  /**
   * The plan of what the caches hold now. One plan at a time: reconciles waiting here read the
   * caches once they get their turn, so after a burst of events they all find the plan of the
   * newest content instead of each planning a content of its own.
   */
  synchronized Snapshot plan(
      Supplier<Stream<Node>> nodes,
      Supplier<Stream<TcpProfile>> profiles,
      Supplier<Stream<TcpNodeState>> states) {
    List<NodeInput> nodeInputs =
        nodes
            .get()
            .map(n -> new NodeInput(n.getMetadata().getName(), n.getMetadata().getLabels()))
            .sorted(Comparator.comparing(NodeInput::name))
            .toList();
    List<TcpProfile> profileList =
        profiles.get().sorted(Comparator.comparing(p -> p.getMetadata().getName())).toList();
    Map<String, TcpNodeState> byName = byName(states.get());
    Key key =
        new Key(
            nodeInputs,
            profileList.stream().map(Fleet::version).toList(),
            byName.values().stream().map(Fleet::version).toList());
    if (memo == null || !memo.key().equals(key)) {
      memo = new Memo(key, new Snapshot(planner.plan(nodeInputs, profileList, byName), byName));
    }
    return memo.snapshot();
  }

  private static String version(HasMetadata resource) {
    return resource.getMetadata().getName() + "@" + resource.getMetadata().getResourceVersion();
  }

  private static Map<String, TcpNodeState> byName(Stream<TcpNodeState> states) {
    Map<String, TcpNodeState> map = new TreeMap<>();
    states.forEach(s -> map.put(s.getMetadata().getName(), s));
    return map;
  }
}
