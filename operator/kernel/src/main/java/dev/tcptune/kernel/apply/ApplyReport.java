package dev.tcptune.kernel.apply;

import java.util.List;
import java.util.Optional;
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
    return statuses().allMatch(SettingStatus::isGood);
  }

  /** True when anything is DRIFTED. */
  public boolean drifted() {
    return statuses().anyMatch(s -> s == SettingStatus.DRIFTED);
  }

  /** How many keys and routes had been changed by another writer and were written again. */
  public long corrections() {
    return statuses().filter(s -> s == SettingStatus.CORRECTED).count();
  }

  /** How many keys and routes carry {@code status}. */
  public long count(SettingStatus status) {
    return statuses().filter(s -> s == status).count();
  }

  /** The result for one key, if reported. */
  public Optional<SettingResult> setting(String key) {
    return settings.stream().filter(s -> s.key().equals(key)).findFirst();
  }

  private Stream<SettingStatus> statuses() {
    return Stream.concat(
        settings.stream().map(SettingResult::status), routes.stream().map(RouteResult::status));
  }
}
