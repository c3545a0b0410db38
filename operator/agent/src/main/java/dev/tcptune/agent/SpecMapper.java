package dev.tcptune.agent;

import dev.tcptune.api.v1alpha1.EffectiveRoute;
import dev.tcptune.api.v1alpha1.EffectiveSetting;
import dev.tcptune.api.v1alpha1.TcpNodeStateSpec;
import dev.tcptune.kernel.apply.DesiredRoute;
import dev.tcptune.kernel.apply.DesiredSetting;
import dev.tcptune.kernel.apply.DesiredState;
import dev.tcptune.kernel.apply.Mode;
import dev.tcptune.kernel.route.RouteRule;
import dev.tcptune.profile.RtoDurations;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The one place where a {@link TcpNodeStateSpec} becomes the kernel layer's {@link DesiredState}.
 * Nothing is trusted: keys and values go to the planner as they are (it accepts only catalog keys
 * in the catalog's ranges), and what cannot even be turned into a kernel entry is listed as an
 * error, which makes the whole spec invalid.
 */
final class SpecMapper {

  private SpecMapper() {}

  /**
   * The spec in kernel terms.
   *
   * @param desired every entry that could be mapped
   * @param errors entries that could not (each names the field, the value and what is allowed)
   */
  record Mapped(DesiredState desired, List<String> errors) {
    Mapped {
      errors = List.copyOf(errors);
    }
  }

  /** Maps {@code spec}; {@code null} (no object, or no spec) maps to nothing desired. */
  static Mapped map(TcpNodeStateSpec spec) {
    if (spec == null) {
      return new Mapped(DesiredState.empty(), List.of());
    }
    List<String> errors = new ArrayList<>();
    List<DesiredSetting> settings = new ArrayList<>();
    List<EffectiveSetting> specSettings = nonNull(spec.getSettings());
    for (int i = 0; i < specSettings.size(); i++) {
      EffectiveSetting s = specSettings.get(i);
      if (s == null || s.getKey() == null || s.getValue() == null) {
        errors.add("spec.settings[" + i + "]: key and value are required");
        continue;
      }
      settings.add(new DesiredSetting(s.getKey(), s.getValue(), mode(s.getMode())));
    }
    List<DesiredRoute> routes = new ArrayList<>();
    List<EffectiveRoute> specRoutes = nonNull(spec.getRoutes());
    for (int i = 0; i < specRoutes.size(); i++) {
      EffectiveRoute r = specRoutes.get(i);
      if (r == null || r.getDestination() == null || r.getRtoMin() == null) {
        errors.add("spec.routes[" + i + "]: destination and rtoMin are required");
        continue;
      }
      Optional<Integer> millis = RtoDurations.parseMillis(r.getRtoMin());
      if (millis.isEmpty()) {
        errors.add(
            "spec.routes["
                + i
                + "].rtoMin: '"
                + r.getRtoMin()
                + "' is not allowed (allowed: a duration in ms or s, 1ms..1s, e.g. 50ms)");
        continue;
      }
      routes.add(
          new DesiredRoute(
              new RouteRule(r.getDestination(), Optional.ofNullable(r.getDevice()), millis.get()),
              mode(r.getMode())));
    }
    return new Mapped(new DesiredState(settings, routes), errors);
  }

  /** Absent means Enforce, the default of the profile the entry came from. */
  private static Mode mode(dev.tcptune.api.v1alpha1.Mode mode) {
    return mode == dev.tcptune.api.v1alpha1.Mode.AUDIT ? Mode.AUDIT : Mode.ENFORCE;
  }

  private static <T> List<T> nonNull(List<T> list) {
    return list == null ? List.of() : list;
  }
}
