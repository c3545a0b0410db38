package dev.tcptune.kernel.apply;

import dev.tcptune.kernel.route.RouteRule;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a node (or namespace) should look like, in kernel terms: sysctl values and route rules. The
 * merged result of profiles, free of Kubernetes types, so the agent and the CLI share it.
 *
 * @param sysctls key to value, in the order they should be applied and reported
 * @param routes per-route {@code rto_min} rules
 */
public record DesiredState(Map<String, String> sysctls, List<RouteRule> routes) {

  public DesiredState {
    sysctls = Collections.unmodifiableMap(new LinkedHashMap<>(sysctls));
    routes = List.copyOf(routes);
  }

  /** Only sysctls, no route rules. */
  public static DesiredState ofSysctls(Map<String, String> sysctls) {
    return new DesiredState(sysctls, List.of());
  }
}
