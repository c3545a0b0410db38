package dev.tcptune.merge;

import dev.tcptune.api.v1alpha1.TcpNodeStateSpec;
import java.util.List;

/** The spec one node should have, and the ties the merge had to break for it. */
public record NodeMerge(String node, TcpNodeStateSpec spec, List<Conflict> conflicts) {

  /** True when no profile gives the node anything. */
  public boolean empty() {
    return spec.getSettings().isEmpty() && spec.getRoutes().isEmpty();
  }
}
