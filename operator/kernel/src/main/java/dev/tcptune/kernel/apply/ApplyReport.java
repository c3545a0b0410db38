package dev.tcptune.kernel.apply;

import java.util.List;
import java.util.stream.Stream;

/**
 * Per-key and per-route outcomes of an apply, verify or restore. Never a single pass/fail: one
 * refused key must not hide that the others were applied.
 *
 * @param settings one result per sysctl
 * @param routes one result per matched route (or per rule without match)
 */
public record ApplyReport(List<SettingResult> settings, List<RouteResult> routes) {

  public ApplyReport {
    settings = List.copyOf(settings);
    routes = List.copyOf(routes);
  }

  /** True when every key and route is at its desired value. */
  public boolean fullyApplied() {
    return settings.stream().allMatch(s -> s.status().isGood())
        && routes.stream().allMatch(r -> r.status().isGood());
  }

  /** True when anything is DRIFTED. */
  public boolean drifted() {
    return Stream.concat(
            settings.stream().map(SettingResult::status), routes.stream().map(RouteResult::status))
        .anyMatch(s -> s == SettingStatus.DRIFTED);
  }

  /** The result for one key, if reported. */
  public java.util.Optional<SettingResult> setting(String key) {
    return settings.stream().filter(s -> s.key().equals(key)).findFirst();
  }
}
