package dev.tcptune.kernel.apply;

import dev.tcptune.kernel.route.Route;
import dev.tcptune.kernel.route.RouteChangeException;
import dev.tcptune.kernel.route.RouteTable;
import dev.tcptune.kernel.sysctl.SysctlStore;
import dev.tcptune.kernel.sysctl.SysctlWriteException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Puts journaled originals back when no profile enforces them any more, under one rule: the
 * original is written only while the kernel still holds the value tcptune wrote last. A value that
 * is neither is another writer's; it is left alone and reported {@link SettingStatus#CONFLICT} (and
 * stays in the journal, so it is reported again and restored once the value is tcptune's again).
 * Entries restored, or already at their original, are forgotten in one {@link
 * OriginalsJournal#forgetAll} call; a failed restore stays journaled and is retried next time.
 */
public final class TuningRestorer {

  private static final Logger LOG = LoggerFactory.getLogger(TuningRestorer.class);

  /** Restores everything in {@code journal}; reports per key and per route. */
  public ApplyReport restore(OriginalsJournal journal, SysctlStore store, RouteTable routeTable) {
    return restoreAllBut(Set.of(), Set.of(), journal, store, routeTable);
  }

  /**
   * Restores what {@code plan} no longer enforces: every journaled key and route except {@link
   * Plan#enforcedKeys()} and {@link Plan#enforcedRouteIds()}.
   */
  public ApplyReport restoreUnused(
      Plan plan, OriginalsJournal journal, SysctlStore store, RouteTable routeTable) {
    return restoreAllBut(plan.enforcedKeys(), plan.enforcedRouteIds(), journal, store, routeTable);
  }

  private ApplyReport restoreAllBut(
      Set<String> keepKeys,
      Set<String> keepRoutes,
      OriginalsJournal journal,
      SysctlStore store,
      RouteTable routeTable) {
    List<String> doneKeys = new ArrayList<>();
    List<SettingResult> settings = new ArrayList<>();
    for (SettingOriginal entry : journal.settings()) {
      if (!keepKeys.contains(entry.key())) {
        SettingResult result = restoreSetting(entry, store);
        settings.add(result);
        if (result.status().isGood()) {
          doneKeys.add(entry.key());
        }
      }
    }
    List<String> doneRoutes = new ArrayList<>();
    List<RouteResult> routes = new ArrayList<>();
    for (RouteOriginal entry : journal.routes()) {
      if (!keepRoutes.contains(entry.routeId())) {
        RouteResult result = restoreRoute(entry, routeTable);
        routes.add(result);
        if (result.status().isGood()) {
          doneRoutes.add(entry.routeId());
        }
      }
    }
    try {
      journal.forgetAll(doneKeys, doneRoutes);
    } catch (RuntimeException e) {
      // The values are back; the entries stay, and the next restore finds them IN_SYNC.
      LOG.atWarn()
          .setCause(e)
          .addKeyValue("keys", doneKeys)
          .addKeyValue("routes", doneRoutes)
          .log("restored, but the journal could not forget the entries");
    }
    return new ApplyReport(settings, routes);
  }

  private static SettingResult restoreSetting(SettingOriginal entry, SysctlStore store) {
    String key = entry.key();
    String original = entry.original();
    try {
      Optional<String> current = store.read(key);
      if (current.isEmpty()) {
        return result(
            entry,
            current,
            SettingStatus.UNSUPPORTED,
            key
                + ": does not exist on this kernel any more; original '"
                + original
                + "' kept in the journal");
      }
      if (current.get().equals(original)) {
        return result(entry, current, SettingStatus.IN_SYNC, "");
      }
      if (!current.get().equals(entry.lastWritten())) {
        return result(
            entry,
            current,
            SettingStatus.CONFLICT,
            key
                + ": is '"
                + current.get()
                + "', not '"
                + entry.lastWritten()
                + "' as tcptune wrote it; another writer changed it, so the original '"
                + original
                + "' was not restored");
      }
      store.write(key, original);
      Optional<String> actual = store.read(key);
      if (actual.isPresent() && actual.get().equals(original)) {
        return result(entry, actual, SettingStatus.APPLIED, "");
      }
      return result(
          entry,
          actual,
          SettingStatus.FAILED,
          key + ": restored '" + original + "' but read back '" + actual.orElse("<missing>") + "'");
    } catch (SysctlWriteException e) {
      return result(entry, Optional.empty(), SettingStatus.FAILED, e.getMessage());
    } catch (RuntimeException e) {
      return result(
          entry,
          Optional.empty(),
          SettingStatus.FAILED,
          key + ": restoring '" + original + "' failed: " + e.getMessage());
    }
  }

  private static SettingResult result(
      SettingOriginal entry, Optional<String> actual, SettingStatus status, String message) {
    return new SettingResult(
        entry.key(),
        Mode.ENFORCE,
        entry.original(),
        Optional.of(entry.original()),
        actual,
        status,
        message);
  }

  private static RouteResult restoreRoute(RouteOriginal entry, RouteTable table) {
    String id = entry.routeId();
    OptionalInt wanted = entry.originalMillis();
    try {
      Optional<Route> route = find(table, id);
      if (route.isEmpty()) {
        // Whoever removed or replaced the route removed our rto_min with it.
        return result(
            entry,
            OptionalInt.empty(),
            SettingStatus.IN_SYNC,
            "route " + id + " no longer exists; nothing to restore");
      }
      OptionalInt current = route.get().rtoMinMillis();
      if (current.equals(wanted)) {
        return result(entry, current, SettingStatus.IN_SYNC, "");
      }
      if (!current.equals(OptionalInt.of(entry.lastWrittenMillis()))) {
        return result(
            entry,
            current,
            SettingStatus.CONFLICT,
            "route "
                + id
                + ": rto_min is "
                + TuningApplier.millis(current)
                + ", not "
                + entry.lastWrittenMillis()
                + "ms as tcptune set it; another writer changed it, so the original "
                + TuningApplier.millis(wanted)
                + " was not restored");
      }
      // The table reads the route back after the change: no second listing of every route.
      OptionalInt actual =
          table.setRtoMin(route.get(), wanted).map(Route::rtoMinMillis).orElse(OptionalInt.empty());
      if (actual.equals(wanted)) {
        return result(entry, actual, SettingStatus.APPLIED, "");
      }
      return result(
          entry,
          actual,
          SettingStatus.FAILED,
          "route " + id + ": restored rto_min but read back " + TuningApplier.millis(actual));
    } catch (RouteChangeException | RuntimeException e) {
      return result(entry, OptionalInt.empty(), SettingStatus.FAILED, e.getMessage());
    }
  }

  private static Optional<Route> find(RouteTable table, String id) {
    return table.routes().stream().filter(r -> r.id().equals(id)).findFirst();
  }

  private static RouteResult result(
      RouteOriginal o, OptionalInt actual, SettingStatus status, String message) {
    return new RouteResult(
        "restore",
        Mode.ENFORCE,
        Optional.of(o.routeId()),
        o.originalMillis(),
        o.originalMillis(),
        actual,
        status,
        message);
  }
}
