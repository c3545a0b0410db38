package dev.tcptune.kernel.apply;

import dev.tcptune.kernel.route.RouteRule;
import java.util.Objects;

/**
 * One desired route rule with its mode.
 *
 * @param rule which routes get which {@code rto_min}
 * @param mode enforce (change the routes) or audit (compare only)
 */
public record DesiredRoute(RouteRule rule, Mode mode) {

  public DesiredRoute {
    Objects.requireNonNull(rule, "rule");
    Objects.requireNonNull(mode, "mode");
  }

  /** An enforced rule. */
  public static DesiredRoute enforce(RouteRule rule) {
    return new DesiredRoute(rule, Mode.ENFORCE);
  }

  /** An audited rule. */
  public static DesiredRoute audit(RouteRule rule) {
    return new DesiredRoute(rule, Mode.AUDIT);
  }
}
