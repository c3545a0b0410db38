package dev.tcptune.operator;

import dev.tcptune.api.v1alpha1.TcpNodeState;
import dev.tcptune.api.v1alpha1.TcpProfile;
import dev.tcptune.fleet.FleetPlan;
import dev.tcptune.fleet.FleetPlanner;
import dev.tcptune.fleet.NodeInput;
import dev.tcptune.kernel.catalog.TunableCatalog;
import dev.tcptune.profile.ProfileValidator;
import io.fabric8.kubernetes.api.model.Node;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/** Turns what the informers hold into the planner's input; every reconciler plans the same way. */
final class Fleet {

  private final FleetPlanner planner =
      new FleetPlanner(new ProfileValidator(TunableCatalog.standard()));

  FleetPlan plan(
      Stream<Node> nodes, Stream<TcpProfile> profiles, Map<String, TcpNodeState> states) {
    return planner.plan(
        nodes
            .map(n -> new NodeInput(n.getMetadata().getName(), n.getMetadata().getLabels()))
            .toList(),
        profiles.toList(),
        states);
  }

  static Map<String, TcpNodeState> byName(Stream<TcpNodeState> states) {
    Map<String, TcpNodeState> map = new TreeMap<>();
    states.forEach(s -> map.put(s.getMetadata().getName(), s));
    return map;
  }
}
