package dev.tcptune.kernel.apply;

import dev.tcptune.kernel.route.RouteRule;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a node (or namespace) should look like, in kernel terms: sysctl values and route rules, each
 * with its own {@link Mode}. The merged result of profiles, free of Kubernetes types, so the agent
 * and the CLI share it. Nothing here is trusted: the {@link TuningPlanner} validates every entry.
 *
 * @param settings desired sysctls, in the order they should be applied and reported
 * @param routes per-route {@code rto_min} rules
 */
public record DesiredState(List<DesiredSetting> settings, List<DesiredRoute> routes) {

  public DesiredState {
    settings = List.copyOf(settings);
    routes = List.copyOf(routes);
  }

  /** Nothing desired: planning it changes nothing; restoring is the caller's decision. */
  public static DesiredState empty() {
    return new DesiredState(List.of(), List.of());
  }

  /** Sysctls and route rules, all in one mode. */
  public static DesiredState of(Map<String, String> sysctls, List<RouteRule> routes, Mode mode) {
    return new DesiredState(
        sysctls.entrySet().stream()
            .map(e -> new DesiredSetting(e.getKey(), e.getValue(), mode))
            .toList(),
        routes.stream().map(r -> new DesiredRoute(r, mode)).toList());
  }

  /** Only enforced sysctls, no route rules. */
  public static DesiredState ofSysctls(Map<String, String> sysctls) {
    return of(sysctls, List.of(), Mode.ENFORCE);
  }

  /** Key to value of every setting whatever its mode (the first entry wins for a repeated key). */
  public Map<String, String> sysctls() {
    Map<String, String> values = new LinkedHashMap<>();
    settings.forEach(s -> values.putIfAbsent(s.key(), s.value()));
    return Collections.unmodifiableMap(values);
  }

  /** The route rules whatever their mode. */
  public List<RouteRule> routeRules() {
    return routes.stream().map(DesiredRoute::rule).toList();
  }
}
