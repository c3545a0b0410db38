package dev.tcptune.operator;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.javaoperatorsdk.operator.processing.event.source.informer.TransformingItemStore;

/**
 * The operator's caches of Nodes keep only what it reads: name, uid, labels and the deletion mark.
 * A kubelet's Node is mostly status (images, conditions, addresses; tens of KiB on a busy node),
 * and three informers hold every Node of the cluster: at 1,000 nodes the full objects would cost
 * more memory than everything else the operator caches.
 */
public final class NodeLabelsStore extends TransformingItemStore<Node> {

  public NodeLabelsStore() {
    super(NodeLabelsStore::labelsOnly);
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
            .withLabels(meta.getLabels())
            .build());
    return kept;
  }
}
