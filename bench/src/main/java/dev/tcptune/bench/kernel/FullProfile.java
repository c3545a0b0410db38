package dev.tcptune.bench.kernel;

import dev.tcptune.kernel.apply.DesiredState;
import dev.tcptune.kernel.apply.Mode;
import dev.tcptune.kernel.catalog.Tunable;
import dev.tcptune.kernel.catalog.TunableCatalog;
import dev.tcptune.kernel.catalog.Unit;
import dev.tcptune.kernel.route.RouteRule;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * A profile of every catalog sysctl this kernel has plus two {@code rto_min} routes, in two
 * variants that differ in every value, so that applying them in turn writes every entry each time.
 *
 * <p>The routes are those {@link BenchNamespace} makes: {@code 10.96.0.0/16} and {@code
 * 10.97.0.0/16} on {@code bench0}.
 */
public record FullProfile(Map<String, String> sysctls, List<RouteRule> routes) {

  static final List<String> DESTINATIONS = List.of("10.96.0.0/16", "10.97.0.0/16");

  /** Variant 0 or 1 of the profile. */
  public static FullProfile variant(int variant) {
    Map<String, String> sysctls = new LinkedHashMap<>();
    for (Tunable t : TunableCatalog.standard().all()) {
      if (Files.exists(Path.of("/proc/sys", t.procPath()))) {
        sysctls.put(t.key(), value(t, variant));
      }
    }
    List<RouteRule> routes =
        List.of(
            RouteRule.to(DESTINATIONS.get(0), 50 + 10 * variant),
            RouteRule.to(DESTINATIONS.get(1), 70 + 10 * variant));
    return new FullProfile(sysctls, routes);
  }

  private static String value(Tunable t, int variant) {
    if (t.unit() == Unit.PORT_RANGE) {
      return (32768 + variant) + " 60999";
    }
    long base = Math.max(t.min(), Math.min(t.max() - 1, Long.parseLong(t.kernelDefault())));
    return Long.toString(base + variant);
  }

  /** The kernel layer's input, as the agent hands it over. */
  public DesiredState desired() {
    return DesiredState.of(sysctls, routes, Mode.ENFORCE);
  }

  /** The same keys as a {@code sysctl -p} file. */
  public String sysctlFile() {
    return sysctls.entrySet().stream()
        .map(e -> e.getKey() + " = " + e.getValue())
        .collect(Collectors.joining("\n", "", "\n"));
  }

  /** The {@code ip route change} argument lists that set the routes' rto_min. */
  public List<List<String>> ipRouteChanges() {
    return routes.stream()
        .map(
            r ->
                List.of(
                    "ip",
                    "route",
                    "change",
                    r.destination(),
                    "dev",
                    BenchNamespace.DEVICE,
                    "rto_min",
                    r.rtoMillis() + "ms"))
        .toList();
  }
}
