package dev.tcptune.kernel.apply;

import dev.tcptune.kernel.catalog.KernelVersion;
import dev.tcptune.kernel.route.Route;
import dev.tcptune.kernel.route.RouteTable;
import dev.tcptune.kernel.sysctl.SysctlStore;
import java.util.List;
import java.util.Objects;
import java.util.OptionalInt;

/**
 * Read-only comparison of the kernel with a desired state: audit mode and drift detection. Never
 * writes, so it is safe to run against any node or namespace at any time.
 */
public final class TuningVerifier {

  private static final OriginalsJournal NO_JOURNAL = new InMemoryOriginalsJournal();

  private final TuningPlanner planner;

  public TuningVerifier(TuningPlanner planner) {
    this.planner = Objects.requireNonNull(planner, "planner");
  }

  /** A verifier over the standard catalog. */
  public TuningVerifier() {
    this(new TuningPlanner());
  }

  /** Compares without originals. */
  public ApplyReport verify(
      DesiredState desired, SysctlStore store, RouteTable routes, KernelVersion kernel) {
    return verify(desired, store, routes, kernel, NO_JOURNAL);
  }

  /** Compares and reports the journaled originals alongside (the journal is only read). */
  public ApplyReport verify(
      DesiredState desired,
      SysctlStore store,
      RouteTable routes,
      KernelVersion kernel,
      OriginalsJournal journal) {
    Plan plan = planner.plan(desired, store, routes, kernel);
    List<SettingResult> settings =
        plan.settings().stream()
            .map(
                p ->
                    new SettingResult(
                        p.key(),
                        p.desired(),
                        journal.original(p.key()),
                        p.current(),
                        status(p.action()),
                        p.action() == PlanAction.WRITE
                            ? p.key()
                                + ": is '"
                                + p.current().orElse("")
                                + "', desired '"
                                + p.desired()
                                + "'"
                            : p.message()))
            .toList();
    List<RouteResult> routeResults =
        plan.routes().stream()
            .map(
                p ->
                    TuningApplier.routeResult(
                        p,
                        journal,
                        p.route().map(Route::rtoMinMillis).orElse(OptionalInt.empty()),
                        status(p.action()),
                        p.action() == PlanAction.WRITE
                            ? "route "
                                + p.route().orElseThrow().id()
                                + ": rto_min differs from "
                                + p.rule().rtoMillis()
                                + "ms"
                            : p.message()))
            .toList();
    return new ApplyReport(settings, routeResults);
  }

  private static SettingStatus status(PlanAction action) {
    return switch (action) {
      case KEEP -> SettingStatus.IN_SYNC;
      case WRITE -> SettingStatus.DRIFTED;
      case UNSUPPORTED -> SettingStatus.UNSUPPORTED;
      case INVALID -> SettingStatus.INVALID;
    };
  }
}
