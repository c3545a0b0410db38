package dev.tcptune.operator;

import dev.tcptune.api.v1alpha1.TcpNodeState;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.javaoperatorsdk.operator.processing.event.source.informer.TransformingItemStore;

/**
 * The orphan reconciler's cache of node states keeps their identity only: it needs no more to
 * delete the state of a Node that is gone, and a full copy of every state's spec and status (a
 * third one, next to the other reconcilers') was a large part of the operator's heap at 1,000
 * nodes.
 */
public final class StateNamesStore extends TransformingItemStore<TcpNodeState> {

  public StateNamesStore() {
    super(StateNamesStore::identityOnly);
  }

  static TcpNodeState identityOnly(TcpNodeState state) {
    ObjectMeta meta = state.getMetadata();
    TcpNodeState kept = new TcpNodeState();
    kept.setMetadata(
        new ObjectMetaBuilder()
            .withName(meta.getName())
            .withUid(meta.getUid())
            .withResourceVersion(meta.getResourceVersion())
            .withGeneration(meta.getGeneration())
            .withDeletionTimestamp(meta.getDeletionTimestamp())
            .build());
    kept.setSpec(null);
    kept.setStatus(null);
    return kept;
  }
}
