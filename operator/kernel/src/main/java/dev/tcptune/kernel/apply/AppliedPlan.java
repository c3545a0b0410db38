package dev.tcptune.kernel.apply;

import dev.tcptune.kernel.route.RouteSnapshot;
import java.util.Objects;
import java.util.Optional;

/**
 * What {@link TuningApplier#applyAndReadBack} did: the report, and the routes the route table read
 * back after the last change, which {@link TuningVerifier#verifyAfter} uses instead of listing the
 * same families again.
 *
 * @param report per key and per route, as {@link TuningApplier#apply} reports it
 * @param routesReadBack every route of the families changed, listed after the last change; empty
 *     when no route was written or the listing is stale (a route had to be put back)
 */
public record AppliedPlan(ApplyReport report, Optional<RouteSnapshot> routesReadBack) {

  public AppliedPlan {
    Objects.requireNonNull(report, "report");
    Objects.requireNonNull(routesReadBack, "routesReadBack");
  }
}
