package dev.tcptune.operator;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.javaoperatorsdk.operator.processing.event.source.informer.TransformingItemStore;
import java.util.function.UnaryOperator;

/** An informer's cache that counts every change of its content in {@link CacheChanges}. */
final class ChangeCountingStore<R extends HasMetadata> extends TransformingItemStore<R> {

  private final CacheChanges changes;

  ChangeCountingStore(CacheChanges changes) {
    super(UnaryOperator.identity());
    this.changes = changes;
  }

  @Override
  public R put(String key, R obj) {
    R previous = super.put(key, obj);
    changes.changed();
    return previous;
  }

  @Override
  public R remove(String key) {
    R previous = super.remove(key);
    if (previous != null) {
      changes.changed();
    }
    return previous;
  }
}
