package dev.tcptune.kernel.apply;

import dev.tcptune.kernel.route.Route;
import dev.tcptune.kernel.route.RouteRule;
import java.util.Objects;
import java.util.Optional;

/**
 * One route in a {@link Plan}: a rule and one route it matched (a rule matching three routes gives
 * three entries), or the rule alone when it matched nothing or is invalid.
 *
 * @param rule the rule
 * @param mode the rule's mode: {@link Mode#AUDIT} entries are never written
 * @param route the matched route as it is now, empty when none matched
 * @param action what the applier will do (for an audit entry WRITE means "differs")
 * @param message why (error text for INVALID/UNSUPPORTED)
 */
public record PlannedRoute(
    RouteRule rule, Mode mode, Optional<Route> route, PlanAction action, String message) {

  public PlannedRoute {
    Objects.requireNonNull(rule, "rule");
    Objects.requireNonNull(mode, "mode");
    Objects.requireNonNull(route, "route");
    Objects.requireNonNull(action, "action");
    Objects.requireNonNull(message, "message");
  }
}
