package dev.tcptune.operator;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * The operator's caches of Nodes keep only what it reads: name, uid, labels and the deletion mark.
 * A kubelet's Node is mostly status (images, conditions, addresses; tens of KiB on a busy node),
 * and three informers hold every Node of the cluster: at 1,000 nodes the full objects would cost
 * more memory than everything else the operator caches.
 *
 * <p>A fleet plan reads the names and labels: a Node added, removed or relabelled counts as a
 * change in {@link CacheChanges}, a kubelet's status heartbeat does not.
 */
public final class NodeLabelsStore extends ChangeCountingStore<Node> {

  /** A cache whose changes nobody plans from. */
  public NodeLabelsStore() {
    this(new CacheChanges());
  }

  NodeLabelsStore(CacheChanges changes) {
    super(
        changes::changed,
        NodeLabelsStore::labelsOnly,
        (previous, next) ->
            !Objects.equals(previous.getMetadata().getLabels(), next.getMetadata().getLabels()));
  }

  static Node labelsOnly(Node node) {
    ObjectMeta meta = node.getMetadata();
    Node kept = new Node();
    kept.setMetadata(
        new ObjectMetaBuilder()
            .withName(meta.getName())
            .withUid(meta.getUid())
            .withResourceVersion(meta.getResourceVersion())
            .withCreationTimestamp(meta.getCreationTimestamp())
            .withDeletionTimestamp(meta.getDeletionTimestamp())
            .build());
    // Immutable, so that the planner's NodeInput takes the map as it is instead of copying every
    // node's labels in every plan (the largest single cost of a plan at 1,000 nodes).
    kept.getMetadata().setLabels(immutable(meta.getLabels()));
    return kept;
  }

  private static Map<String, String> immutable(Map<String, String> labels) {
    if (labels == null || labels.containsKey(null) || labels.containsValue(null)) {
      // Not from an API server, which refuses null labels; kept as it came rather than thrown at.
      return labels == null ? null : new LinkedHashMap<>(labels);
    }
    return Map.copyOf(labels);
  }
}
