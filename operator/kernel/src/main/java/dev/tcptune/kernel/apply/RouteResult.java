package dev.tcptune.kernel.apply;

import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * What happened to one route (or to a rule that matched none).
 *
 * @param rule the rule in human form ({@link dev.tcptune.kernel.route.RouteRule#describe()}), or
 *     {@code "restore"} for a restore
 * @param mode the rule's mode (restores report {@link Mode#ENFORCE})
 * @param routeId the route's id, empty when the rule matched nothing
 * @param desired desired {@code rto_min} in ms (empty = no attribute, on restore)
 * @param original journaled original, empty when none was journaled or it was "no attribute"
 * @param actual {@code rto_min} read at the end, empty when unset or the route is gone
 * @param status the outcome
 * @param message details for humans; empty when all is well
 */
public record RouteResult(
    String rule,
    Mode mode,
    Optional<String> routeId,
    OptionalInt desired,
    OptionalInt original,
    OptionalInt actual,
    SettingStatus status,
    String message) {

  public RouteResult {
    Objects.requireNonNull(rule, "rule");
    Objects.requireNonNull(mode, "mode");
    Objects.requireNonNull(routeId, "routeId");
    Objects.requireNonNull(desired, "desired");
    Objects.requireNonNull(original, "original");
    Objects.requireNonNull(actual, "actual");
    Objects.requireNonNull(status, "status");
    Objects.requireNonNull(message, "message");
  }
}
