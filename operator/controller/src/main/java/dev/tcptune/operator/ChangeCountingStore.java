package dev.tcptune.operator;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.javaoperatorsdk.operator.processing.event.source.informer.TransformingItemStore;
import java.util.function.BiPredicate;
import java.util.function.UnaryOperator;

/** An informer's cache that counts the changes of its content in {@link CacheChanges}. */
class ChangeCountingStore<R extends HasMetadata> extends TransformingItemStore<R> {

  private final CacheChanges changes;
  private final BiPredicate<R, R> counts;

  /** Keeps objects whole and counts every add, update and removal. */
  ChangeCountingStore(CacheChanges changes) {
    this(changes, UnaryOperator.identity(), (previous, next) -> true);
  }

  /**
   * @param keep what of an object the cache keeps
   * @param counts whether an update from {@code previous} to {@code next} counts as a change
   */
  ChangeCountingStore(CacheChanges changes, UnaryOperator<R> keep, BiPredicate<R, R> counts) {
    super(keep);
    this.changes = changes;
    this.counts = counts;
  }

  @Override
  public R put(String key, R obj) {
    R previous = super.put(key, obj);
    if (previous == null || counts.test(previous, obj)) {
      changes.changed();
    }
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
