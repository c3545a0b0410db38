package dev.tcptune.kernel.apply;

import dev.tcptune.kernel.route.Route;
import dev.tcptune.kernel.route.RouteChange;
import dev.tcptune.kernel.route.RouteChangeOutcome;
import dev.tcptune.kernel.route.RouteTable;
import dev.tcptune.kernel.sysctl.SysctlStore;
import dev.tcptune.kernel.sysctl.SysctlWriteException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Executes a valid {@link Plan}. Every original the plan is about to overwrite is journaled first,
 * in one {@link OriginalsJournal#recordAll} call (one durable write per apply); then each Enforce
 * key and route is written and read back. Audit entries are compared only. A failure of one key or
 * route is reported for it and never stops the others; an invalid plan writes nothing at all.
 *
 * <p>A value another writer set over tcptune's (the key's journaled {@code lastWritten} differs
 * from what is there now) is written again and reported {@link SettingStatus#CORRECTED}; the
 * journal keeps the first original, the other writer's value never becomes one.
 */
public final class TuningApplier {

  private static final Logger LOG = LoggerFactory.getLogger(TuningApplier.class);
  private static final String INVALID_PLAN =
      "not written: the desired state has invalid entries, nothing is applied until they are fixed";

  private final SysctlStore store;
  private final RouteTable routeTable;

  public TuningApplier(SysctlStore store, RouteTable routeTable) {
    this.store = Objects.requireNonNull(store, "store");
    this.routeTable = Objects.requireNonNull(routeTable, "routeTable");
  }

  /** Applies {@code plan}, journaling every original in {@code journal} before the first write. */
  public ApplyReport apply(Plan plan, OriginalsJournal journal) {
    return applyAndReadBack(plan, journal).report();
  }

  /**
   * Applies {@code plan} like {@link #apply} and hands back, with the report, the routes read back
   * after the route changes, for a {@link TuningVerifier#verifyAfter verification} right after.
   */
  public AppliedPlan applyAndReadBack(Plan plan, OriginalsJournal journal) {
    if (!plan.valid()) {
      return new AppliedPlan(
          new ApplyReport(
              plan.settings().stream().map(p -> refuse(p, journal)).toList(),
              plan.routes().stream().map(p -> refuseRoute(p, journal)).toList()),
          Optional.empty());
    }
    // Decided before the journal takes the new lastWritten values.
    Set<String> corrections = corrections(plan, journal);
    Optional<String> journalError = journalOriginals(plan, journal);
    List<SettingResult> settings = new ArrayList<>();
    for (PlannedSetting planned : plan.settings()) {
      settings.add(
          isWrite(planned.mode(), planned.action())
              ? applySetting(
                  planned, journal, journalError, corrections.contains("sysctl " + planned.key()))
              : compared(planned, journal));
    }
    // Every route change of the apply in one call: the table runs them in one process per family.
    RouteWrites writes =
        RouteWrites.make(routeTable, journalError.isPresent() ? List.of() : routeChanges(plan));
    List<RouteResult> routes = new ArrayList<>();
    for (PlannedRoute planned : plan.routes()) {
      routes.add(
          isWrite(planned.mode(), planned.action())
              ? applyRoute(
                  planned,
                  journal,
                  journalError,
                  writes,
                  corrections.contains("route " + planned.route().orElseThrow().id()))
              : comparedRoute(planned, journal));
    }
    return new AppliedPlan(new ApplyReport(settings, routes), writes.readBack());
  }

  private static List<RouteChange> routeChanges(Plan plan) {
    return plan.routes().stream()
        .filter(p -> isWrite(p.mode(), p.action()))
        .map(p -> new RouteChange(p.route().orElseThrow(), OptionalInt.of(p.rule().rtoMillis())))
        .toList();
  }

  /**
   * The entries (as {@code "sysctl KEY"} / {@code "route ID"}) that tcptune wrote before and that
   * no longer hold what it wrote last: another writer changed them (a route replaced without its
   * {@code rto_min} included). Only a crash between journaling and writing is miscounted as one.
   */
  private static Set<String> corrections(Plan plan, OriginalsJournal journal) {
    Set<String> corrections = new HashSet<>();
    for (PlannedSetting p : plan.settings()) {
      String now = p.current().orElse("");
      if (isWrite(p.mode(), p.action())
          && journal.setting(p.key()).filter(s -> !s.lastWritten().equals(now)).isPresent()) {
        corrections.add("sysctl " + p.key());
      }
    }
    for (PlannedRoute p : plan.routes()) {
      if (!isWrite(p.mode(), p.action())) {
        continue;
      }
      OptionalInt now = currentOf(p);
      String id = p.route().orElseThrow().id();
      if (journal
          .route(id)
          .filter(r -> !OptionalInt.of(r.lastWrittenMillis()).equals(now))
          .isPresent()) {
        corrections.add("route " + id);
      }
    }
    return corrections;
  }

  private static boolean isWrite(Mode mode, PlanAction action) {
    return mode == Mode.ENFORCE && action == PlanAction.WRITE;
  }

  /**
   * One durable journal write for the whole plan, before any kernel write: new entries get the
   * value found now as original, known ones keep theirs; both get the value about to be written.
   */
  private static Optional<String> journalOriginals(Plan plan, OriginalsJournal journal) {
    List<SettingOriginal> settings = new ArrayList<>();
    for (PlannedSetting p : plan.settings()) {
      if (isWrite(p.mode(), p.action())) {
        settings.add(new SettingOriginal(p.key(), p.current().orElseThrow(), p.desired()));
      }
    }
    List<RouteOriginal> routes = new ArrayList<>();
    for (PlannedRoute p : plan.routes()) {
      if (isWrite(p.mode(), p.action())) {
        Route route = p.route().orElseThrow();
        routes.add(new RouteOriginal(route.id(), route.rtoMinMillis(), p.rule().rtoMillis()));
      }
    }
    if (settings.isEmpty() && routes.isEmpty()) {
      return Optional.empty();
    }
    try {
      journal.recordAll(settings, routes);
      return Optional.empty();
    } catch (RuntimeException e) {
      LOG.atWarn().setCause(e).log("originals could not be journaled; nothing written");
      return Optional.of(
          "the original value could not be recorded, so nothing was written: " + e.getMessage());
    }
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
    return settingResult(p, journal, p.current(), status, message);
  }

  private static RouteResult refuseRoute(PlannedRoute p, OriginalsJournal journal) {
    SettingStatus status = notWritten(p.action());
    String message = p.action() == PlanAction.WRITE ? "route " + INVALID_PLAN : p.message();
    return routeResult(p, journal, currentOf(p), status, message);
  }

  /** A key that is not written: in sync, drifted (audit), unsupported or invalid. */
  static SettingResult compared(PlannedSetting p, OriginalsJournal journal) {
    return switch (p.action()) {
      case KEEP -> settingResult(p, journal, p.current(), SettingStatus.IN_SYNC, "");
      case WRITE ->
          settingResult(
              p,
              journal,
              p.current(),
              SettingStatus.DRIFTED,
              p.key() + ": is '" + p.current().orElse("") + "', desired '" + p.desired() + "'");
      case UNSUPPORTED ->
          settingResult(p, journal, p.current(), SettingStatus.UNSUPPORTED, p.message());
      case INVALID -> settingResult(p, journal, p.current(), SettingStatus.INVALID, p.message());
    };
  }

  /** A route that is not changed: in sync, drifted (audit), unsupported or invalid. */
  static RouteResult comparedRoute(PlannedRoute p, OriginalsJournal journal) {
    return switch (p.action()) {
      case KEEP -> routeResult(p, journal, currentOf(p), SettingStatus.IN_SYNC, p.message());
      case WRITE ->
          routeResult(
              p,
              journal,
              currentOf(p),
              SettingStatus.DRIFTED,
              "route "
                  + p.route().orElseThrow().id()
                  + ": rto_min is "
                  + millis(currentOf(p))
                  + ", desired "
                  + p.rule().rtoMillis()
                  + "ms");
      case UNSUPPORTED ->
          routeResult(p, journal, currentOf(p), SettingStatus.UNSUPPORTED, p.message());
      case INVALID -> routeResult(p, journal, currentOf(p), SettingStatus.INVALID, p.message());
    };
  }

  private SettingResult applySetting(
      PlannedSetting p,
      OriginalsJournal journal,
      Optional<String> journalError,
      boolean correction) {
    String key = p.key();
    if (journalError.isPresent()) {
      return failed(p, journal, p.current(), key + ": " + journalError.get());
    }
    try {
      store.write(key, p.desired());
    } catch (SysctlWriteException e) {
      return failed(p, journal, readQuietly(key), e.getMessage());
    } catch (RuntimeException e) {
      return failed(
          p, journal, readQuietly(key), key + ": writing '" + p.desired() + "' failed: " + e);
    }
    Optional<String> actual = readQuietly(key);
    if (actual.isPresent() && actual.get().equals(p.desired())) {
      LOG.atInfo()
          .addKeyValue("key", key)
          .addKeyValue("from", p.current().orElse(""))
          .addKeyValue("to", p.desired())
          .addKeyValue("correction", correction)
          .log("sysctl applied");
      return correction
          ? settingResult(
              p,
              journal,
              actual,
              SettingStatus.CORRECTED,
              key
                  + ": another writer had set '"
                  + p.current().orElse("")
                  + "', corrected to '"
                  + p.desired()
                  + "'")
          : settingResult(p, journal, actual, SettingStatus.APPLIED, "");
    }
    return failed(
        p,
        journal,
        actual,
        key + ": wrote '" + p.desired() + "' but read back '" + actual.orElse("<missing>") + "'");
  }

  private static SettingResult failed(
      PlannedSetting p, OriginalsJournal journal, Optional<String> actual, String message) {
    LOG.atWarn().addKeyValue("key", p.key()).log(message);
    return settingResult(p, journal, actual, SettingStatus.FAILED, message);
  }

  private static SettingResult settingResult(
      PlannedSetting p,
      OriginalsJournal journal,
      Optional<String> actual,
      SettingStatus status,
      String message) {
    return new SettingResult(
        p.key(), p.mode(), p.desired(), journal.original(p.key()), actual, status, message);
  }

  private Optional<String> readQuietly(String key) {
    try {
      return store.read(key);
    } catch (RuntimeException e) {
      return Optional.empty();
    }
  }

  private RouteResult applyRoute(
      PlannedRoute p,
      OriginalsJournal journal,
      Optional<String> journalError,
      RouteWrites writes,
      boolean correction) {
    Route route = p.route().orElseThrow();
    if (journalError.isPresent()) {
      return routeResult(
          p, journal, route.rtoMinMillis(), SettingStatus.FAILED, "route " + journalError.get());
    }
    OptionalInt desired = OptionalInt.of(p.rule().rtoMillis());
    RouteChangeOutcome outcome = writes.outcome(route);
    if (outcome.error().isPresent()) {
      return routeResult(
          p, journal, writes.currentRto(route), SettingStatus.FAILED, outcome.error().get());
    }
    // Read back by the route table itself: listing every route again costs `ip` processes.
    OptionalInt actual = outcome.readBack().orElseThrow().rtoMinMillis();
    if (actual.equals(desired)) {
      return correction
          ? routeResult(
              p,
              journal,
              actual,
              SettingStatus.CORRECTED,
              "route "
                  + route.id()
                  + ": another writer had set rto_min "
                  + millis(route.rtoMinMillis())
                  + ", corrected to "
                  + desired.getAsInt()
                  + "ms")
          : routeResult(p, journal, actual, SettingStatus.APPLIED, "");
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
            + millis(actual));
  }

  static String millis(OptionalInt value) {
    return value.isPresent() ? value.getAsInt() + "ms" : "none";
  }

  private static OptionalInt currentOf(PlannedRoute p) {
    return p.route().map(Route::rtoMinMillis).orElse(OptionalInt.empty());
  }

  private static RouteResult routeResult(
      PlannedRoute p,
      OriginalsJournal journal,
      OptionalInt actual,
      SettingStatus status,
      String message) {
    Optional<String> id = p.route().map(Route::id);
    OptionalInt original =
        id.flatMap(journal::route).map(RouteOriginal::originalMillis).orElse(OptionalInt.empty());
    return new RouteResult(
        p.rule().describe(),
        p.mode(),
        id,
        OptionalInt.of(p.rule().rtoMillis()),
        original,
        actual,
        status,
        message);
  }
}
