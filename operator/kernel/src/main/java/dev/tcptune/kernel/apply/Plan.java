package dev.tcptune.kernel.apply;

import dev.tcptune.kernel.catalog.KernelVersion;
import dev.tcptune.kernel.route.Route;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The decision, per key and per route, of what to write, computed before any write so that an
 * invalid desired state is rejected as a whole ("nothing partial") and every error is listed.
 *
 * @param kernel the kernel the plan was made for
 * @param settings one entry per desired sysctl, in desired order
 * @param routes one entry per (rule, matched route), or per rule without match
 * @param errors every validation error; non-empty means the plan is invalid
 */
public record Plan(
    KernelVersion kernel,
    List<PlannedSetting> settings,
    List<PlannedRoute> routes,
    List<String> errors) {

  public Plan {
    settings = List.copyOf(settings);
    routes = List.copyOf(routes);
    errors = List.copyOf(errors);
  }

  /** True when nothing in the desired state was invalid; only a valid plan is ever written. */
  public boolean valid() {
    return errors.isEmpty();
  }

  /**
   * The keys this plan enforces (valid or not): a restore of everything else leaves them to the
   * apply.
   */
  public Set<String> enforcedKeys() {
    Set<String> keys = new LinkedHashSet<>();
    settings.stream().filter(s -> s.mode() == Mode.ENFORCE).forEach(s -> keys.add(s.key()));
    return keys;
  }

  /** The ids of the routes this plan enforces an {@code rto_min} on. */
  public Set<String> enforcedRouteIds() {
    Set<String> ids = new LinkedHashSet<>();
    routes.stream()
        .filter(r -> r.mode() == Mode.ENFORCE)
        .forEach(r -> r.route().map(Route::id).ifPresent(ids::add));
    return ids;
  }
}
