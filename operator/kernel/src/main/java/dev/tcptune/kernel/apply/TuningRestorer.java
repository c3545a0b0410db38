package dev.tcptune.kernel.apply;

import dev.tcptune.kernel.route.Route;
import dev.tcptune.kernel.route.RouteChangeException;
import dev.tcptune.kernel.route.RouteTable;
import dev.tcptune.kernel.sysctl.SysctlStore;
import dev.tcptune.kernel.sysctl.SysctlWriteException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * Puts every journaled original back, when no profile matches a node any more. Entries are
 * forgotten only once restored (or moot), so a failed restore is retried next time instead of being
 * lost.
 */
public final class TuningRestorer {

  /** Restores everything in {@code journal}; reports per key and per route. */
  public ApplyReport restore(OriginalsJournal journal, SysctlStore store, RouteTable routeTable) {
    List<SettingResult> settings = new ArrayList<>();
    for (Map.Entry<String, String> entry : journal.originals().entrySet()) {
      settings.add(restoreSetting(entry.getKey(), entry.getValue(), journal, store));
    }
    List<RouteResult> routes = new ArrayList<>();
    for (RouteOriginal original : journal.routeOriginals()) {
      routes.add(restoreRoute(original, journal, routeTable));
    }
    return new ApplyReport(settings, routes);
  }

  private static SettingResult restoreSetting(
      String key, String original, OriginalsJournal journal, SysctlStore store) {
    Optional<String> current;
    try {
      current = store.read(key);
      if (current.isEmpty()) {
        return result(
            key,
            original,
            current,
            SettingStatus.UNSUPPORTED,
            key
                + ": does not exist on this kernel any more; original '"
                + original
                + "' kept in the journal");
      }
      if (current.get().equals(original)) {
        journal.forget(key);
        return result(key, original, current, SettingStatus.IN_SYNC, "");
      }
      store.write(key, original);
      Optional<String> actual = store.read(key);
      if (actual.isPresent() && actual.get().equals(original)) {
        journal.forget(key);
        return result(key, original, actual, SettingStatus.APPLIED, "");
      }
      return result(
          key,
          original,
          actual,
          SettingStatus.FAILED,
          key + ": restored '" + original + "' but read back '" + actual.orElse("<missing>") + "'");
    } catch (SysctlWriteException e) {
      return result(key, original, Optional.empty(), SettingStatus.FAILED, e.getMessage());
    } catch (RuntimeException e) {
      return result(
          key,
          original,
          Optional.empty(),
          SettingStatus.FAILED,
          key + ": restoring '" + original + "' failed: " + e.getMessage());
    }
  }

  private static SettingResult result(
      String key, String original, Optional<String> actual, SettingStatus status, String message) {
    return new SettingResult(key, original, Optional.of(original), actual, status, message);
  }

  private static RouteResult restoreRoute(
      RouteOriginal original, OriginalsJournal journal, RouteTable table) {
    String id = original.routeId();
    OptionalInt wanted = original.rtoMinMillis();
    try {
      Optional<Route> route = find(table, id);
      if (route.isEmpty()) {
        // Whoever removed or replaced the route removed our rto_min with it.
        journal.forgetRoute(id);
        return result(
            original,
            OptionalInt.empty(),
            SettingStatus.IN_SYNC,
            "route " + id + " no longer exists; nothing to restore");
      }
      if (route.get().rtoMinMillis().equals(wanted)) {
        journal.forgetRoute(id);
        return result(original, wanted, SettingStatus.IN_SYNC, "");
      }
      table.setRtoMin(route.get(), wanted);
      OptionalInt actual = find(table, id).map(Route::rtoMinMillis).orElse(OptionalInt.empty());
      if (actual.equals(wanted)) {
        journal.forgetRoute(id);
        return result(original, actual, SettingStatus.APPLIED, "");
      }
      return result(
          original,
          actual,
          SettingStatus.FAILED,
          "route "
              + id
              + ": restored rto_min but read back "
              + (actual.isPresent() ? actual.getAsInt() + "ms" : "none"));
    } catch (RouteChangeException | RuntimeException e) {
      return result(original, OptionalInt.empty(), SettingStatus.FAILED, e.getMessage());
    }
  }

  private static Optional<Route> find(RouteTable table, String id) {
    return table.routes().stream().filter(r -> r.id().equals(id)).findFirst();
  }

  private static RouteResult result(
      RouteOriginal o, OptionalInt actual, SettingStatus status, String message) {
    return new RouteResult(
        "restore",
        Optional.of(o.routeId()),
        o.rtoMinMillis(),
        o.rtoMinMillis(),
        actual,
        status,
        message);
  }
}
