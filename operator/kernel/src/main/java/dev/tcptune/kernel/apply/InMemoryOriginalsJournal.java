package dev.tcptune.kernel.apply;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * An {@link OriginalsJournal} in memory: for unit tests, and as the working copy of journals that
 * persist elsewhere (see {@link FileOriginalsJournal}). Not thread-safe.
 */
public class InMemoryOriginalsJournal implements OriginalsJournal {

  private final Map<String, String> sysctls = new LinkedHashMap<>();
  private final Map<String, RouteOriginal> routes = new LinkedHashMap<>();

  @Override
  public Optional<String> original(String key) {
    return Optional.ofNullable(sysctls.get(key));
  }

  @Override
  public void record(String key, String originalValue) {
    sysctls.putIfAbsent(key, originalValue);
  }

  @Override
  public void forget(String key) {
    sysctls.remove(key);
  }

  @Override
  public Map<String, String> originals() {
    return Collections.unmodifiableMap(new LinkedHashMap<>(sysctls));
  }

  @Override
  public Optional<RouteOriginal> routeOriginal(String routeId) {
    return Optional.ofNullable(routes.get(routeId));
  }

  @Override
  public void recordRoute(String routeId, OptionalInt originalRtoMinMillis) {
    routes.putIfAbsent(routeId, new RouteOriginal(routeId, originalRtoMinMillis));
  }

  @Override
  public void forgetRoute(String routeId) {
    routes.remove(routeId);
  }

  @Override
  public List<RouteOriginal> routeOriginals() {
    return List.copyOf(new ArrayList<>(routes.values()));
  }
}
