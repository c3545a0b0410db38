package dev.tcptune.merge;

import dev.tcptune.api.v1alpha1.EffectiveRoute;
import dev.tcptune.api.v1alpha1.EffectiveSetting;
import dev.tcptune.api.v1alpha1.TcpNodeStateSpec;
import dev.tcptune.kernel.route.Destinations;
import dev.tcptune.profile.ProfileSettings;
import dev.tcptune.profile.SettingField;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Merges what every profile that selects a node asks of it, per key (and per route: a rule covered
 * by a rule of a profile with precedence loses): the highest priority wins; on equal priority the
 * profile whose name sorts first wins and, when the other one wants a different value or mode, the
 * tie is reported as a {@link Conflict}. Pure: the same inputs give the same spec in the same
 * order, so an unchanged fleet produces no writes.
 */
public final class ProfileMerger {

  /** Highest priority first, then by name: the order in which profiles win. */
  public static final Comparator<ProfileContribution> PRECEDENCE =
      Comparator.comparingInt(ProfileContribution::priority)
          .reversed()
          .thenComparing(ProfileContribution::profile);

  private static final List<String> KEY_ORDER =
      ProfileSettings.fields().stream().map(SettingField::tunable).map(t -> t.key()).toList();

  private ProfileMerger() {}

  public static NodeMerge merge(String node, List<ProfileContribution> contributions) {
    List<ProfileContribution> ordered = contributions.stream().sorted(PRECEDENCE).toList();
    List<Conflict> conflicts = new ArrayList<>();
    Map<String, Winner<EffectiveSetting>> settings = new LinkedHashMap<>();
    List<Winner<EffectiveRoute>> routes = new ArrayList<>();
    TcpNodeStateSpec spec = new TcpNodeStateSpec();
    for (ProfileContribution c : ordered) {
      spec.getProfiles().add(c.profile());
      spec.getProfileGenerations().put(c.profile(), c.generation());
      c.settings()
          .forEach(
              (key, value) ->
                  offer(
                      settings,
                      key,
                      new EffectiveSetting(key, value, c.profile(), c.mode()),
                      c,
                      node,
                      conflicts));
      for (EffectiveRoute route : c.routes()) {
        offerRoute(routes, route, c, node, conflicts);
      }
    }
    settings.values().stream()
        .map(Winner::entry)
        .sorted(Comparator.comparingInt(s -> keyRank(s.getKey())))
        .forEach(spec.getSettings()::add);
    routes.stream()
        .map(Winner::entry)
        .sorted(Comparator.comparing(ProfileMerger::routeKey))
        .forEach(spec.getRoutes()::add);
    return new NodeMerge(node, spec, List.copyOf(conflicts));
  }

  private record Winner<T>(T entry, ProfileContribution from) {}

  private static <T> void offer(
      Map<String, Winner<T>> winners,
      String key,
      T entry,
      ProfileContribution from,
      String node,
      List<Conflict> conflicts) {
    Winner<T> current = winners.get(key);
    if (current == null) {
      winners.put(key, new Winner<>(entry, from));
      return;
    }
    if (current.from().priority() == from.priority() && !sameWish(current.entry(), entry)) {
      conflicts.add(
          new Conflict(node, key, current.from().profile(), from.profile(), from.priority()));
    }
  }

  /**
   * A route rule of {@code from} loses when a rule of another profile that came first (higher
   * priority, or equal priority and a name that sorts first) covers every route it could set: the
   * same destination however written ({@code 127.0.0.1} is {@code 127.0.0.1/32}), {@code default}
   * covering {@code 0.0.0.0/0} and {@code ::/0}, a rule for every device covering one for a single
   * device. A narrower rule that came first stays next to the broader one: the agent gives each
   * route to the most specific rule that matches it.
   */
  private static void offerRoute(
      List<Winner<EffectiveRoute>> winners,
      EffectiveRoute route,
      ProfileContribution from,
      String node,
      List<Conflict> conflicts) {
    RouteScope scope = RouteScope.of(route);
    for (Winner<EffectiveRoute> current : winners) {
      if (current.from().profile().equals(from.profile())
          || !RouteScope.of(current.entry()).covers(scope)) {
        continue;
      }
      if (current.from().priority() == from.priority() && !sameWish(current.entry(), route)) {
        conflicts.add(
            new Conflict(
                node, routeKey(route), current.from().profile(), from.profile(), from.priority()));
      }
      return;
    }
    winners.add(new Winner<>(route, from));
  }

  /** The routes a rule can set: canonical destinations, and its device (null: every device). */
  private record RouteScope(Set<String> destinations, String device) {

    private static final Set<String> DEFAULTS =
        Set.of(
            Destinations.canonical("0.0.0.0/0").orElseThrow(),
            Destinations.canonical("::/0").orElseThrow());

    static RouteScope of(EffectiveRoute route) {
      String destination = route.getDestination();
      Set<String> destinations =
          "default".equals(destination)
              ? DEFAULTS
              : Set.of(Destinations.canonical(destination).orElse(destination));
      return new RouteScope(destinations, route.getDevice());
    }

    boolean covers(RouteScope other) {
      return destinations.containsAll(other.destinations)
          && (device == null || device.equals(other.device));
    }
  }

  /** Two entries from different profiles ask for the same thing (value and mode). */
  private static boolean sameWish(Object a, Object b) {
    if (a instanceof EffectiveSetting x && b instanceof EffectiveSetting y) {
      return Objects.equals(x.getValue(), y.getValue()) && x.getMode() == y.getMode();
    }
    EffectiveRoute x = (EffectiveRoute) a;
    EffectiveRoute y = (EffectiveRoute) b;
    return Objects.equals(x.getRtoMin(), y.getRtoMin()) && x.getMode() == y.getMode();
  }

  private static String routeKey(EffectiveRoute route) {
    return "route "
        + route.getDestination()
        + (route.getDevice() == null ? "" : " dev " + route.getDevice());
  }

  private static int keyRank(String key) {
    int rank = KEY_ORDER.indexOf(key);
    return rank < 0 ? Integer.MAX_VALUE : rank;
  }
}
