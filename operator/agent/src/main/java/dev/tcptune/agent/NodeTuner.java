package dev.tcptune.agent;

import dev.tcptune.kernel.apply.ApplyReport;
import dev.tcptune.kernel.apply.OriginalsJournal;
import dev.tcptune.kernel.apply.Plan;
import dev.tcptune.kernel.apply.TuningApplier;
import dev.tcptune.kernel.apply.TuningPlanner;
import dev.tcptune.kernel.apply.TuningRestorer;
import dev.tcptune.kernel.apply.TuningVerifier;
import dev.tcptune.kernel.catalog.KernelVersion;
import dev.tcptune.kernel.route.RouteTable;
import dev.tcptune.kernel.sysctl.SysctlStore;
import java.util.List;
import java.util.Objects;

/**
 * One check of the node against its spec, through the kernel layer: plan, apply the Enforce entries
 * and compare the Audit ones (the applier reads every write back), then restore what the spec no
 * longer enforces. An invalid spec writes nothing at all, not even a restore.
 */
final class NodeTuner {

  /**
   * What one check found and did.
   *
   * @param applied one result per spec entry (compared only, when the spec is invalid)
   * @param restored one result per journal entry that was put back or could not be
   * @param mappingErrors spec entries that could not be turned into kernel entries
   * @param valid false when nothing was written because the spec is invalid
   */
  record Outcome(
      ApplyReport applied, ApplyReport restored, List<String> mappingErrors, boolean valid) {}

  private final SysctlStore store;
  private final RouteTable routes;
  private final KernelVersion kernel;
  private final TuningPlanner planner;
  private final TuningApplier applier;
  private final TuningRestorer restorer = new TuningRestorer();

  NodeTuner(SysctlStore store, RouteTable routes, KernelVersion kernel, TuningPlanner planner) {
    this.store = Objects.requireNonNull(store, "store");
    this.routes = Objects.requireNonNull(routes, "routes");
    this.kernel = Objects.requireNonNull(kernel, "kernel");
    this.planner = Objects.requireNonNull(planner, "planner");
    this.applier = new TuningApplier(store, routes);
  }

  KernelVersion kernel() {
    return kernel;
  }

  Outcome check(SpecMapper.Mapped spec, OriginalsJournal journal) {
    if (!spec.errors().isEmpty()) {
      ApplyReport compared =
          new TuningVerifier(planner).verify(spec.desired(), store, routes, kernel, journal);
      return new Outcome(compared, empty(), spec.errors(), false);
    }
    Plan plan = planner.plan(spec.desired(), store, routes, kernel);
    ApplyReport applied = applier.apply(plan, journal);
    if (!plan.valid()) {
      return new Outcome(applied, empty(), List.of(), false);
    }
    ApplyReport restored = restorer.restoreUnused(plan, journal, store, routes);
    return new Outcome(applied, restored, List.of(), true);
  }

  private static ApplyReport empty() {
    return new ApplyReport(List.of(), List.of());
  }
}
