package dev.tcptune.merge;

import dev.tcptune.api.v1alpha1.EffectiveRoute;
import dev.tcptune.api.v1alpha1.EffectiveSetting;
import dev.tcptune.api.v1alpha1.Mode;
import dev.tcptune.api.v1alpha1.RouteRtoRule;
import dev.tcptune.api.v1alpha1.TcpNodeStateSpec;
import dev.tcptune.api.v1alpha1.TcpProfile;
import dev.tcptune.profile.ProfileSettings;
import dev.tcptune.profile.SettingField;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What one profile asks of one node: its current spec, or, while a staged rollout has not reached
 * the node yet, the entries an older generation left in the node's state.
 */
public record ProfileContribution(
    String profile,
    int priority,
    Mode mode,
    long generation,
    Map<String, String> settings,
    List<EffectiveRoute> routes) {

  /** The current generation of a valid profile. */
  public static ProfileContribution current(TcpProfile profile) {
    var spec = profile.getSpec();
    Mode mode = modeOf(profile);
    Map<String, String> settings = new LinkedHashMap<>();
    for (SettingField field : ProfileSettings.fields()) {
      field.valueIn(spec).ifPresent(value -> settings.put(field.tunable().key(), value));
    }
    List<EffectiveRoute> routes = new ArrayList<>();
    if (spec.getRto() != null && spec.getRto().getRoutes() != null) {
      for (RouteRtoRule rule : spec.getRto().getRoutes()) {
        routes.add(
            new EffectiveRoute(
                rule.getDestination(), rule.getDevice(), rule.getRtoMin(), name(profile), mode));
      }
    }
    return new ProfileContribution(
        name(profile), priorityOf(profile), mode, generationOf(profile), settings, routes);
  }

  /**
   * The generation of {@code profile} that {@code existing} (the node's state) still carries, if
   * any: its entries are kept as they are until the rollout reaches the node.
   */
  public static Optional<ProfileContribution> carried(
      TcpProfile profile, TcpNodeStateSpec existing) {
    String name = name(profile);
    if (existing == null
        || existing.getProfileGenerations() == null
        || !existing.getProfileGenerations().containsKey(name)) {
      return Optional.empty();
    }
    Map<String, String> settings = new LinkedHashMap<>();
    Mode mode = null;
    for (EffectiveSetting setting : existing.getSettings()) {
      if (name.equals(setting.getProfile())) {
        settings.put(setting.getKey(), setting.getValue());
        mode = setting.getMode();
      }
    }
    List<EffectiveRoute> routes = new ArrayList<>();
    for (EffectiveRoute route : existing.getRoutes()) {
      if (name.equals(route.getProfile())) {
        routes.add(route);
        mode = route.getMode();
      }
    }
    return Optional.of(
        new ProfileContribution(
            name,
            priorityOf(profile),
            mode == null ? modeOf(profile) : mode,
            existing.getProfileGenerations().get(name),
            settings,
            routes));
  }

  static String name(TcpProfile profile) {
    return profile.getMetadata().getName();
  }

  static int priorityOf(TcpProfile profile) {
    Integer priority = profile.getSpec().getPriority();
    return priority == null ? 0 : priority;
  }

  static Mode modeOf(TcpProfile profile) {
    Mode mode = profile.getSpec().getMode();
    return mode == null ? Mode.ENFORCE : mode;
  }

  static long generationOf(TcpProfile profile) {
    Long generation = profile.getMetadata().getGeneration();
    return generation == null ? 0 : generation;
  }
}
