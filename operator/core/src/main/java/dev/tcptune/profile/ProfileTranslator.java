package dev.tcptune.profile;

import dev.tcptune.api.v1alpha1.RouteRtoRule;
import dev.tcptune.api.v1alpha1.TcpProfileSpec;
import dev.tcptune.kernel.apply.DesiredState;
import dev.tcptune.kernel.apply.Mode;
import dev.tcptune.kernel.route.RouteRule;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Turns a validated profile spec into the kernel layer's {@link DesiredState}, every entry in the
 * profile's mode (Enforce when unset).
 */
public final class ProfileTranslator {

  private ProfileTranslator() {}

  /**
   * The sysctls and route rules a spec asks for, in catalog order.
   *
   * @throws IllegalArgumentException when a route duration is malformed: validate first
   */
  public static DesiredState desiredState(TcpProfileSpec spec) {
    Map<String, String> sysctls = new LinkedHashMap<>();
    for (SettingField field : ProfileSettings.fields()) {
      field.valueIn(spec).ifPresent(value -> sysctls.put(field.tunable().key(), value));
    }
    List<RouteRule> routes = new ArrayList<>();
    if (spec.getRto() != null && spec.getRto().getRoutes() != null) {
      for (RouteRtoRule rule : spec.getRto().getRoutes()) {
        int millis =
            RtoDurations.parseMillis(rule.getRtoMin())
                .orElseThrow(
                    () ->
                        new IllegalArgumentException(
                            "rtoMin: '" + rule.getRtoMin() + "' is not a duration"));
        routes.add(
            new RouteRule(rule.getDestination(), Optional.ofNullable(rule.getDevice()), millis));
      }
    }
    Mode mode = spec.getMode() == dev.tcptune.api.v1alpha1.Mode.AUDIT ? Mode.AUDIT : Mode.ENFORCE;
    return DesiredState.of(sysctls, routes, mode);
  }
}
