package dev.tcptune.kernel.apply;

import java.util.Collection;
import java.util.List;
import java.util.Optional;

/**
 * Durable memory, per sysctl and per route, of the value found before tcptune's first write and of
 * the value tcptune wrote last, so a restore puts the node back exactly (even after a crash) and
 * never overwrites another writer's change.
 *
 * <p>Changes come in batches: {@link #recordAll} is called once per apply, before the first write
 * of that apply, with every entry the apply is about to write; {@link #forgetAll} once per restore.
 * Each call must be durable when it returns (one write to the node's status for the agent, one file
 * replace for the CLI) and must throw, changing nothing, when it cannot persist. The first recorded
 * original wins: recording a known key again keeps its original and only replaces {@code
 * lastWritten}. Implementations are safe to share between threads.
 */
public interface OriginalsJournal {

  /** The journal entry of a sysctl, if any. */
  Optional<SettingOriginal> setting(String key);

  /** Every sysctl entry, in recording order. */
  List<SettingOriginal> settings();

  /** The journal entry of a route, if any. */
  Optional<RouteOriginal> route(String routeId);

  /** Every route entry, in recording order. */
  List<RouteOriginal> routes();

  /**
   * Records a batch in one durable step: new keys and routes with their original, known ones keep
   * their original and take the new {@code lastWritten}.
   *
   * @throws RuntimeException when the batch cannot be persisted; then nothing of it is recorded
   */
  void recordAll(List<SettingOriginal> settings, List<RouteOriginal> routes);

  /**
   * Forgets sysctls and routes (restored, or moot) in one durable step; unknown ones are ignored.
   *
   * @throws RuntimeException when the change cannot be persisted; then nothing is forgotten
   */
  void forgetAll(Collection<String> keys, Collection<String> routeIds);

  /** The recorded original of a sysctl, if any. */
  default Optional<String> original(String key) {
    return setting(key).map(SettingOriginal::original);
  }
}
