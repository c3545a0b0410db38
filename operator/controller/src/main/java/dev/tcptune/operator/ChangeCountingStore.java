package dev.tcptune.operator;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.javaoperatorsdk.operator.processing.event.source.informer.TransformingItemStore;
import java.util.function.BiPredicate;
import java.util.function.UnaryOperator;

/**
 * An informer's cache that tells of each change of its content, as {@link CacheChanges} counts
 * them.
 */
class ChangeCountingStore<R extends HasMetadata> extends TransformingItemStore<R> {

  private final Runnable onChange;
  private final BiPredicate<R, R> counts;

  /** Keeps objects whole and tells of every add, update and removal. */
  ChangeCountingStore(Runnable onChange) {
    this(onChange, UnaryOperator.identity(), (previous, next) -> true);
  }

  /**
   * @param keep what of an object the cache keeps
   * @param counts whether an update from {@code previous} to {@code next} counts as a change
   */
  ChangeCountingStore(Runnable onChange, UnaryOperator<R> keep, BiPredicate<R, R> counts) {
    super(keep);
    this.onChange = onChange;
    this.counts = counts;
  }

  @Override
  public R put(String key, R obj) {
    R previous = super.put(key, obj);
    if (previous == null || counts.test(previous, obj)) {
      onChange.run();
    }
    return previous;
  }

  @Override
  public R remove(String key) {
    R previous = super.remove(key);
    if (previous != null) {
      onChange.run();
    }
    return previous;
  }
}
