package dev.tcptune.kernel.apply;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * An {@link OriginalsJournal} in memory, and the base of journals that persist elsewhere: a
 * subclass overrides {@link #persist} to store the whole new content in one write (a file, the
 * node's status); the memory changes only when that write succeeded.
 */
public class InMemoryOriginalsJournal implements OriginalsJournal {

  private final Map<String, SettingOriginal> settings = new LinkedHashMap<>();
  private final Map<String, RouteOriginal> routes = new LinkedHashMap<>();

  /** An empty journal. */
  public InMemoryOriginalsJournal() {}

  /** A journal holding {@code settings} and {@code routes}, e.g. as loaded from storage. */
  public InMemoryOriginalsJournal(List<SettingOriginal> settings, List<RouteOriginal> routes) {
    settings.forEach(s -> this.settings.put(s.key(), s));
    routes.forEach(r -> this.routes.put(r.routeId(), r));
  }

  /**
   * Stores the journal's complete new content; called once per {@link #recordAll} or {@link
   * #forgetAll} that changes something, before the memory is updated. The default keeps nothing.
   *
   * @throws RuntimeException when the content cannot be stored
   */
  protected void persist(List<SettingOriginal> settings, List<RouteOriginal> routes) {}

  @Override
  public synchronized Optional<SettingOriginal> setting(String key) {
    return Optional.ofNullable(settings.get(key));
  }

  @Override
  public synchronized List<SettingOriginal> settings() {
    return List.copyOf(settings.values());
  }

  @Override
  public synchronized Optional<RouteOriginal> route(String routeId) {
    return Optional.ofNullable(routes.get(routeId));
  }

  @Override
  public synchronized List<RouteOriginal> routes() {
    return List.copyOf(routes.values());
  }

  @Override
  public synchronized void recordAll(
      List<SettingOriginal> newSettings, List<RouteOriginal> newRoutes) {
    Map<String, SettingOriginal> s = new LinkedHashMap<>(settings);
    for (SettingOriginal entry : newSettings) {
      SettingOriginal known = s.get(entry.key());
      s.put(
          entry.key(),
          known == null
              ? entry
              : new SettingOriginal(entry.key(), known.original(), entry.lastWritten()));
    }
    Map<String, RouteOriginal> r = new LinkedHashMap<>(routes);
    for (RouteOriginal entry : newRoutes) {
      RouteOriginal known = r.get(entry.routeId());
      r.put(
          entry.routeId(),
          known == null
              ? entry
              : new RouteOriginal(
                  entry.routeId(), known.originalMillis(), entry.lastWrittenMillis()));
    }
    commit(s, r);
  }

  @Override
  public synchronized void forgetAll(Collection<String> keys, Collection<String> routeIds) {
    Map<String, SettingOriginal> s = new LinkedHashMap<>(settings);
    s.keySet().removeAll(keys);
    Map<String, RouteOriginal> r = new LinkedHashMap<>(routes);
    r.keySet().removeAll(routeIds);
    commit(s, r);
  }

  private void commit(Map<String, SettingOriginal> s, Map<String, RouteOriginal> r) {
    if (s.equals(settings) && r.equals(routes)) {
      return;
    }
    persist(List.copyOf(s.values()), List.copyOf(r.values()));
    settings.clear();
    settings.putAll(s);
    routes.clear();
    routes.putAll(r);
  }
}
