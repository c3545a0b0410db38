package dev.tcptune.kernel.apply;

import dev.tcptune.kernel.catalog.KernelVersion;
import dev.tcptune.kernel.route.RouteTable;
import dev.tcptune.kernel.sysctl.SysctlStore;
import java.util.Objects;

/**
 * Read-only comparison of the kernel with a desired state, whatever the entries' modes: audit mode
 * and drift detection. Never writes, so it is safe to run against any node or namespace at any
 * time.
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
    return compare(planner.plan(desired, store, routes, kernel), journal);
  }

  /**
   * Compares right after {@code applied}, before anything else writes routes: the families the
   * apply read back are taken from its read-back rather than listed again (it was listed after the
   * apply's last route change, so it is what a new listing would show); other families, and every
   * sysctl, are read live.
   */
  public ApplyReport verifyAfter(
      AppliedPlan applied,
      DesiredState desired,
      SysctlStore store,
      RouteTable routes,
      KernelVersion kernel,
      OriginalsJournal journal) {
    RouteTable current =
        applied
            .routesReadBack()
            .<RouteTable>map(readBack -> new ReadBackRoutes(readBack, routes))
            .orElse(routes);
    return verify(desired, store, current, kernel, journal);
  }

  private static ApplyReport compare(Plan plan, OriginalsJournal journal) {
    return new ApplyReport(
        plan.settings().stream().map(p -> TuningApplier.compared(p, journal)).toList(),
        plan.routes().stream().map(p -> TuningApplier.comparedRoute(p, journal)).toList());
  }
}
