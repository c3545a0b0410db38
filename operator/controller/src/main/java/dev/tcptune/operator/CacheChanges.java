package dev.tcptune.operator;

import java.util.concurrent.atomic.AtomicLong;

/**
 * Counts the changes of the caches a fleet plan is made from, as their item stores see them, so a
 * reconcile finds out in constant time whether the last plan still holds. Comparing the caches'
 * content instead (every node's labels, every state's resourceVersion) cost time linear in the
 * fleet in every reconcile: at 1,000 nodes two thirds of the operator's CPU during a rollout, under
 * the one lock that plans.
 */
final class CacheChanges {

  private final AtomicLong count = new AtomicLong();

  /** The number of changes so far; read before the caches, so a later change is never missed. */
  long count() {
    return count.get();
  }

  /** Called by a store after its content changed. */
  void changed() {
    count.incrementAndGet();
  }
}
