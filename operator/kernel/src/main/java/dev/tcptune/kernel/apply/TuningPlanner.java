package dev.tcptune.kernel.apply;

import dev.tcptune.kernel.catalog.KernelVersion;
import dev.tcptune.kernel.catalog.Tunable;
import dev.tcptune.kernel.catalog.TunableCatalog;
import dev.tcptune.kernel.route.Route;
import dev.tcptune.kernel.route.RouteRule;
import dev.tcptune.kernel.route.RouteTable;
import dev.tcptune.kernel.sysctl.SysctlStore;
import dev.tcptune.kernel.sysctl.SysctlValues;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * Turns a {@link DesiredState} into a {@link Plan}: validates everything against the catalog first,
 * then reads (never writes) the current values to decide KEEP / WRITE / UNSUPPORTED per key and per
 * matched route.
 */
public final class TuningPlanner {

  private final TunableCatalog catalog;

  public TuningPlanner(TunableCatalog catalog) {
    this.catalog = Objects.requireNonNull(catalog, "catalog");
  }

  /** A planner over {@link TunableCatalog#standard()}. */
  public TuningPlanner() {
    this(TunableCatalog.standard());
  }

  /** The catalog this planner validates against. */
  public TunableCatalog catalog() {
    return catalog;
  }

  /** Plans {@code desired} against the current state of {@code store} and {@code routes}. */
  public Plan plan(
      DesiredState desired, SysctlStore store, RouteTable routes, KernelVersion kernel) {
    List<String> errors = new ArrayList<>();
    List<PlannedSetting> settings = new ArrayList<>();
    for (Map.Entry<String, String> entry : desired.sysctls().entrySet()) {
      settings.add(planSetting(entry.getKey(), entry.getValue(), store, kernel, errors));
    }
    List<PlannedRoute> plannedRoutes = new ArrayList<>();
    List<Route> current = desired.routes().isEmpty() ? List.of() : routes.routes();
    for (RouteRule rule : desired.routes()) {
      plannedRoutes.addAll(planRule(rule, current, errors));
    }
    return new Plan(kernel, settings, plannedRoutes, errors);
  }

  private PlannedSetting planSetting(
      String key, String rawValue, SysctlStore store, KernelVersion kernel, List<String> errors) {
    String value = rawValue == null ? "" : SysctlValues.normalize(rawValue);
    Optional<String> error = catalog.validate(key, value);
    Optional<Tunable> tunable = catalog.find(key);
    if (error.isPresent()) {
      errors.add(error.get());
      Optional<String> current = tunable.isPresent() ? store.read(key) : Optional.empty();
      return new PlannedSetting(key, value, current, PlanAction.INVALID, error.get());
    }
    Optional<String> current = store.read(key);
    if (current.isEmpty()) {
      Tunable t = tunable.orElseThrow();
      String why =
          t.isSupportedOn(kernel)
              ? "is missing on this kernel "
                  + kernel
                  + " although it should exist since "
                  + t.minKernel()
              : "needs kernel " + t.minKernel() + " or newer, this is " + kernel;
      return new PlannedSetting(key, value, current, PlanAction.UNSUPPORTED, key + ": " + why);
    }
    PlanAction action = current.get().equals(value) ? PlanAction.KEEP : PlanAction.WRITE;
    return new PlannedSetting(key, value, current, action, "");
  }

  private static List<PlannedRoute> planRule(
      RouteRule rule, List<Route> current, List<String> errors) {
    Optional<String> error = rule.validate();
    if (error.isPresent()) {
      errors.add(error.get());
      return List.of(new PlannedRoute(rule, Optional.empty(), PlanAction.INVALID, error.get()));
    }
    List<PlannedRoute> planned = new ArrayList<>();
    for (Route route : current) {
      if (rule.matches(route)) {
        OptionalInt desired = OptionalInt.of(rule.rtoMillis());
        PlanAction action =
            route.rtoMinMillis().equals(desired) ? PlanAction.KEEP : PlanAction.WRITE;
        planned.add(new PlannedRoute(rule, Optional.of(route), action, ""));
      }
    }
    if (planned.isEmpty()) {
      planned.add(
          new PlannedRoute(
              rule,
              Optional.empty(),
              PlanAction.UNSUPPORTED,
              "route rule "
                  + rule.describe()
                  + ": no route matches (routes are changed, never created)"));
    }
    return planned;
  }
}
