package dev.tcptune.fleet;

import dev.tcptune.merge.Conflict;
import dev.tcptune.merge.NodeMerge;
import java.util.List;
import java.util.Map;

/** The desired state of the whole fleet: per profile its plan, per node its merged spec. */
public record FleetPlan(Map<String, ProfilePlan> profiles, Map<String, NodeMerge> nodes) {

  /** Conflicts in which {@code profile} won or lost, in node order. */
  public List<Conflict> conflictsOf(String profile) {
    return nodes.values().stream()
        .flatMap(n -> n.conflicts().stream())
        .filter(c -> c.winner().equals(profile) || c.loser().equals(profile))
        .toList();
  }
}
