package dev.tcptune.kernel.apply;

import dev.tcptune.kernel.route.Route;
import dev.tcptune.kernel.route.RouteChangeException;
import dev.tcptune.kernel.route.RouteTable;
import dev.tcptune.kernel.sysctl.SysctlStore;
import dev.tcptune.kernel.sysctl.SysctlWriteException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Executes a valid {@link Plan}: per key, journal the original (only the first time), write, read
 * back. A failure of one key or route is reported for it and never stops the others; an invalid
 * plan writes nothing at all.
 */
public final class TuningApplier {

  private static final Logger LOG = LoggerFactory.getLogger(TuningApplier.class);
  private static final String INVALID_PLAN =
      "not written: the desired state has invalid values, nothing is applied until they are fixed";

  private final SysctlStore store;
  private final RouteTable routeTable;

  public TuningApplier(SysctlStore store, RouteTable routeTable) {
    this.store = Objects.requireNonNull(store, "store");
    this.routeTable = Objects.requireNonNull(routeTable, "routeTable");
  }

  /**
   * Applies {@code plan}, recording originals in {@code journal} before the first write of each.
   */
  public ApplyReport apply(Plan plan, OriginalsJournal journal) {
    List<SettingResult> settings = new ArrayList<>();
    for (PlannedSetting planned : plan.settings()) {
      settings.add(plan.valid() ? applySetting(planned, journal) : refuse(planned, journal));
    }
    List<RouteResult> routes = new ArrayList<>();
    for (PlannedRoute planned : plan.routes()) {
      routes.add(plan.valid() ? applyRoute(planned, journal) : refuseRoute(planned, journal));
    }
    return new ApplyReport(settings, routes);
  }

  /** The outcome of a key or route that is not written: a WRITE of an invalid plan is INVALID. */
  private static SettingStatus notWritten(PlanAction action) {
    return switch (action) {
      case KEEP -> SettingStatus.IN_SYNC;
      case UNSUPPORTED -> SettingStatus.UNSUPPORTED;
      case WRITE, INVALID -> SettingStatus.INVALID;
    };
  }

  private static SettingResult refuse(PlannedSetting p, OriginalsJournal journal) {
    SettingStatus status = notWritten(p.action());
    String message = p.action() == PlanAction.WRITE ? p.key() + ": " + INVALID_PLAN : p.message();
    return new SettingResult(
        p.key(), p.desired(), journal.original(p.key()), p.current(), status, message);
  }

  private static RouteResult refuseRoute(PlannedRoute p, OriginalsJournal journal) {
    SettingStatus status = notWritten(p.action());
    String message = p.action() == PlanAction.WRITE ? "route " + INVALID_PLAN : p.message();
    return routeResult(
        p,
        journal,
        p.route().map(Route::rtoMinMillis).orElse(OptionalInt.empty()),
        status,
        message);
  }

  private SettingResult applySetting(PlannedSetting p, OriginalsJournal journal) {
    String key = p.key();
    switch (p.action()) {
      case KEEP:
        return new SettingResult(
            key, p.desired(), journal.original(key), p.current(), SettingStatus.IN_SYNC, "");
      case UNSUPPORTED:
      case INVALID:
        return new SettingResult(
            key,
            p.desired(),
            journal.original(key),
            p.current(),
            p.action() == PlanAction.INVALID ? SettingStatus.INVALID : SettingStatus.UNSUPPORTED,
            p.message());
      default:
        break;
    }
    Optional<String> before = Optional.empty();
    try {
      before = store.read(key);
      if (before.isEmpty()) {
        return new SettingResult(
            key,
            p.desired(),
            journal.original(key),
            before,
            SettingStatus.UNSUPPORTED,
            key + ": does not exist on this kernel");
      }
      if (journal.original(key).isEmpty()) {
        journal.record(key, before.get());
      }
    } catch (RuntimeException e) {
      return failed(
          key,
          p.desired(),
          journal,
          before,
          key
              + ": original value could not be recorded, so '"
              + p.desired()
              + "' was not written: "
              + e.getMessage());
    }
    try {
      store.write(key, p.desired());
    } catch (SysctlWriteException e) {
      return failed(key, p.desired(), journal, readQuietly(key), e.getMessage());
    } catch (RuntimeException e) {
      return failed(
          key,
          p.desired(),
          journal,
          readQuietly(key),
          key + ": writing '" + p.desired() + "' failed: " + e.getMessage());
    }
    Optional<String> actual = readQuietly(key);
    if (actual.isPresent() && actual.get().equals(p.desired())) {
      LOG.atInfo()
          .addKeyValue("key", key)
          .addKeyValue("from", before.get())
          .addKeyValue("to", p.desired())
          .log("sysctl applied");
      return new SettingResult(
          key, p.desired(), journal.original(key), actual, SettingStatus.APPLIED, "");
    }
    return failed(
        key,
        p.desired(),
        journal,
        actual,
        key + ": wrote '" + p.desired() + "' but read back '" + actual.orElse("<missing>") + "'");
  }

  private static SettingResult failed(
      String key,
      String desired,
      OriginalsJournal journal,
      Optional<String> actual,
      String message) {
    LOG.atWarn().addKeyValue("key", key).log(message);
    return new SettingResult(
        key, desired, journal.original(key), actual, SettingStatus.FAILED, message);
  }

  private Optional<String> readQuietly(String key) {
    try {
      return store.read(key);
    } catch (RuntimeException e) {
      return Optional.empty();
    }
  }

  private RouteResult applyRoute(PlannedRoute p, OriginalsJournal journal) {
    if (p.action() != PlanAction.WRITE) {
      SettingStatus status = notWritten(p.action());
      return routeResult(
          p,
          journal,
          p.route().map(Route::rtoMinMillis).orElse(OptionalInt.empty()),
          status,
          p.message());
    }
    Route route = p.route().orElseThrow();
    OptionalInt desired = OptionalInt.of(p.rule().rtoMillis());
    try {
      if (journal.routeOriginal(route.id()).isEmpty()) {
        journal.recordRoute(route.id(), route.rtoMinMillis());
      }
    } catch (RuntimeException e) {
      return routeResult(
          p,
          journal,
          route.rtoMinMillis(),
          SettingStatus.FAILED,
          "route "
              + route.id()
              + ": original rto_min could not be recorded, so nothing was changed: "
              + e.getMessage());
    }
    try {
      routeTable.setRtoMin(route, desired);
    } catch (RouteChangeException | RuntimeException e) {
      return routeResult(p, journal, currentRto(route.id()), SettingStatus.FAILED, e.getMessage());
    }
    OptionalInt actual = currentRto(route.id());
    if (actual.equals(desired)) {
      return routeResult(p, journal, actual, SettingStatus.APPLIED, "");
    }
    return routeResult(
        p,
        journal,
        actual,
        SettingStatus.FAILED,
        "route "
            + route.id()
            + ": set rto_min "
            + desired.getAsInt()
            + "ms but read back "
            + (actual.isPresent() ? actual.getAsInt() + "ms" : "none"));
  }

  private OptionalInt currentRto(String routeId) {
    try {
      return routeTable.routes().stream()
          .filter(r -> r.id().equals(routeId))
          .findFirst()
          .map(Route::rtoMinMillis)
          .orElse(OptionalInt.empty());
    } catch (RuntimeException e) {
      return OptionalInt.empty();
    }
  }

  static RouteResult routeResult(
      PlannedRoute p,
      OriginalsJournal journal,
      OptionalInt actual,
      SettingStatus status,
      String message) {
    Optional<String> id = p.route().map(Route::id);
    OptionalInt original =
        id.flatMap(journal::routeOriginal)
            .map(RouteOriginal::rtoMinMillis)
            .orElse(OptionalInt.empty());
    return new RouteResult(
        p.rule().describe(),
        id,
        OptionalInt.of(p.rule().rtoMillis()),
        original,
        actual,
        status,
        message);
  }
}
