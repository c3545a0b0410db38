package dev.tcptune.kernel.apply;

import dev.tcptune.kernel.catalog.KernelVersion;
import java.util.List;

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
}
