package dev.tcptune.agent;

import dev.tcptune.kernel.apply.ApplyReport;
import dev.tcptune.kernel.apply.OriginalsJournal;
import dev.tcptune.kernel.apply.Plan;
import dev.tcptune.kernel.apply.RouteResult;
import dev.tcptune.kernel.apply.SettingResult;
import dev.tcptune.kernel.apply.SettingStatus;
import dev.tcptune.kernel.apply.TuningApplier;
import dev.tcptune.kernel.apply.TuningPlanner;
import dev.tcptune.kernel.apply.TuningRestorer;
import dev.tcptune.kernel.apply.TuningVerifier;
import dev.tcptune.kernel.catalog.KernelVersion;
import dev.tcptune.kernel.route.RouteTable;
import dev.tcptune.kernel.sysctl.SysctlStore;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
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
   * @param corrections the sysctl keys and route ids put back after a change behind tcptune's back
   */
  record Outcome(
      ApplyReport applied,
      ApplyReport restored,
      List<String> mappingErrors,
      boolean valid,
      List<String> corrections) {}

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
      return new Outcome(compared, empty(), spec.errors(), false, List.of());
    }
    Plan plan = planner.plan(spec.desired(), store, routes, kernel);
    Map<String, String> writtenBefore = written(journal);
    ApplyReport applied = applier.apply(plan, journal);
    if (!plan.valid()) {
      return new Outcome(applied, empty(), List.of(), false, List.of());
    }
    ApplyReport restored = restorer.restoreUnused(plan, journal, store, routes);
    return new Outcome(applied, restored, List.of(), true, corrections(applied, writtenBefore));
  }

  /**
   * Entries written again although tcptune had written that very value before: someone changed
   * them. The kernel layer reports CORRECTED only for a value that is neither tcptune's nor the
   * original; a value set back to the original (a route replaced without rto_min, a manual revert)
   * is drift as well.
   */
  private static List<String> corrections(ApplyReport applied, Map<String, String> writtenBefore) {
    List<String> names = new ArrayList<>();
    for (SettingResult r : applied.settings()) {
      if (r.status() == SettingStatus.CORRECTED
          || (r.status() == SettingStatus.APPLIED
              && r.desired().equals(writtenBefore.get("sysctl " + r.key())))) {
        names.add(r.key());
      }
    }
    for (RouteResult r : applied.routes()) {
      String id = r.routeId().orElse("");
      if (r.status() == SettingStatus.CORRECTED
          || (r.status() == SettingStatus.APPLIED
              && r.desired().isPresent()
              && String.valueOf(r.desired().getAsInt()).equals(writtenBefore.get("route " + id)))) {
        names.add(id);
      }
    }
    return names;
  }

  private static Map<String, String> written(OriginalsJournal journal) {
    Map<String, String> written = new HashMap<>();
    journal.settings().forEach(s -> written.put("sysctl " + s.key(), s.lastWritten()));
    journal
        .routes()
        .forEach(r -> written.put("route " + r.routeId(), String.valueOf(r.lastWrittenMillis())));
    return written;
  }

  private static ApplyReport empty() {
    return new ApplyReport(List.of(), List.of());
  }
}
