package dev.tcptune.fleet;

import dev.tcptune.api.v1alpha1.EffectiveRoute;
import dev.tcptune.api.v1alpha1.EffectiveSetting;
import dev.tcptune.api.v1alpha1.Mode;
import dev.tcptune.api.v1alpha1.NodeProblem;
import dev.tcptune.api.v1alpha1.NodeRouteStatus;
import dev.tcptune.api.v1alpha1.NodeSettingStatus;
import dev.tcptune.api.v1alpha1.SettingState;
import dev.tcptune.api.v1alpha1.TcpNodeState;
import dev.tcptune.api.v1alpha1.TcpNodeStateSpec;
import dev.tcptune.api.v1alpha1.TcpNodeStateStatus;
import dev.tcptune.status.ConditionFactory;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What a node's agent says in its TcpNodeState status, read from the operator's side. Nothing the
 * agent reports counts until it describes the spec's current generation ({@link #current()}). A
 * report keeps its answers: plans share the report of a state that did not change ({@link
 * AgentReports}), from any reconciler thread.
 */
public final class AgentReport {

  /** Condition types the agent writes. */
  public static final String APPLIED = "Applied";

  public static final String DEGRADED = "Degraded";

  /**
   * Reason of the agent's {@code Applied=False} when the spec is empty and every original is back.
   */
  public static final String RESTORED = "Restored";

  private static final Set<SettingState> FAILED =
      EnumSet.of(SettingState.FAILED, SettingState.UNSUPPORTED, SettingState.INVALID);
  private static final Set<SettingState> SETTLED =
      EnumSet.of(SettingState.IN_SYNC, SettingState.APPLIED);

  private final TcpNodeState state;
  // A fleet plan asks every node's report about each of its keys: a search of the status list per
  // key made each plan quadratic in the keys of a node. Built on first use (a question about
  // current() alone needs none), published whole through the volatile field.
  private volatile Map<String, NodeSettingStatus> settingsByKey;
  private final Map<String, Optional<NodeProblem>> problems = new ConcurrentHashMap<>();
  private final Map<String, Boolean> done = new ConcurrentHashMap<>();

  public AgentReport(TcpNodeState state) {
    this.state = Objects.requireNonNull(state, "state");
  }

  /** The state this report reads. */
  TcpNodeState state() {
    return state;
  }

  private TcpNodeStateSpec spec() {
    return state.getSpec() == null ? new TcpNodeStateSpec() : state.getSpec();
  }

  private TcpNodeStateStatus status() {
    return state.getStatus() == null ? new TcpNodeStateStatus() : state.getStatus();
  }

  /** The agent has acted on the spec as it is now. */
  public boolean current() {
    Long observed = status().getObservedGeneration();
    return observed != null && observed.equals(state.getMetadata().getGeneration());
  }

  /**
   * The agent put every original back: the spec asks for nothing, and the agent says so for this
   * generation with {@code Applied=False, reason Restored}, or lists every setting and route it
   * still reports as Restored.
   */
  public boolean restored() {
    if (!current() || !spec().getSettings().isEmpty() || !spec().getRoutes().isEmpty()) {
      return false;
    }
    boolean saysRestored =
        ConditionFactory.find(status().getConditions(), APPLIED)
            .filter(c -> RESTORED.equals(c.getReason()))
            .filter(c -> forThisGeneration(c.getObservedGeneration()))
            .isPresent();
    if (saysRestored) {
      return true;
    }
    return status().getSettings().stream().allMatch(s -> s.getState() == SettingState.RESTORED)
        && status().getRoutes().stream().allMatch(r -> r.getState() == SettingState.RESTORED);
  }

  /** The entries of {@code profile} in this node's spec are in place, for this generation. */
  public boolean doneFor(String profile) {
    return done.computeIfAbsent(profile, this::readDoneFor);
  }

  private boolean readDoneFor(String profile) {
    if (!current() || problemFor(profile).isPresent()) {
      return false;
    }
    if (conditionTrue(APPLIED)) {
      return true;
    }
    for (EffectiveSetting wanted : spec().getSettings()) {
      if (profile.equals(wanted.getProfile())
          && !settled(settingState(wanted.getKey()), wanted.getMode())) {
        return false;
      }
    }
    for (EffectiveRoute wanted : spec().getRoutes()) {
      if (profile.equals(wanted.getProfile())
          && !settled(routeState(wanted.getDestination(), wanted.getDevice()), wanted.getMode())) {
        return false;
      }
    }
    return true;
  }

  /** The entry of {@code profile} in the worst state on this node (failed before drifted). */
  public Optional<NodeProblem> problemFor(String profile) {
    return problems.computeIfAbsent(profile, this::readProblemFor);
  }

  private Optional<NodeProblem> readProblemFor(String profile) {
    if (!current()) {
      return Optional.empty();
    }
    List<NodeProblem> failed = new ArrayList<>();
    List<NodeProblem> drifted = new ArrayList<>();
    for (EffectiveSetting wanted : spec().getSettings()) {
      if (profile.equals(wanted.getProfile())) {
        settingStatus(wanted.getKey())
            .ifPresent(
                s -> classify(s.getState(), wanted.getKey(), s.getMessage(), failed, drifted));
      }
    }
    for (EffectiveRoute wanted : spec().getRoutes()) {
      if (profile.equals(wanted.getProfile())) {
        routeStatus(wanted.getDestination(), wanted.getDevice())
            .ifPresent(
                r ->
                    classify(
                        r.getState(),
                        "route " + wanted.getDestination(),
                        r.getMessage(),
                        failed,
                        drifted));
      }
    }
    boolean mine = spec().getProfiles().contains(profile);
    // A Degraded node blames every profile on it only when no entry explains it: a failed entry
    // belongs to its own profile, and the others go on.
    if (failed.isEmpty() && mine && conditionTrue(DEGRADED) && !anEntryFailed()) {
      String message =
          ConditionFactory.find(status().getConditions(), DEGRADED)
              .map(c -> c.getReason() + ": " + c.getMessage())
              .orElse("Degraded");
      failed.add(new NodeProblem(name(), "Failed", message));
    }
    return failed.stream().findFirst().or(() -> drifted.stream().findFirst());
  }

  private boolean anEntryFailed() {
    return status().getSettings().stream().anyMatch(s -> FAILED.contains(s.getState()))
        || status().getRoutes().stream().anyMatch(r -> FAILED.contains(r.getState()));
  }

  private void classify(
      SettingState settingState,
      String what,
      String message,
      List<NodeProblem> failed,
      List<NodeProblem> drifted) {
    if (FAILED.contains(settingState)) {
      failed.add(new NodeProblem(name(), "Failed", problem(what, settingState, message)));
    } else if (settingState == SettingState.DRIFTED) {
      drifted.add(new NodeProblem(name(), "Drifted", problem(what, settingState, message)));
    }
  }

  private static String problem(String what, SettingState settingState, String message) {
    return what + " " + settingState.name().toLowerCase() + (message == null ? "" : ": " + message);
  }

  private static boolean settled(SettingState settingState, Mode mode) {
    return settingState != null
        && (SETTLED.contains(settingState)
            || (mode == Mode.AUDIT && settingState == SettingState.DRIFTED));
  }

  private SettingState settingState(String key) {
    return settingStatus(key).map(NodeSettingStatus::getState).orElse(null);
  }

  private SettingState routeState(String destination, String device) {
    return routeStatus(destination, device).map(NodeRouteStatus::getState).orElse(null);
  }

  private Optional<NodeSettingStatus> settingStatus(String key) {
    Map<String, NodeSettingStatus> index = settingsByKey;
    if (index == null) {
      Map<String, NodeSettingStatus> built = new HashMap<>();
      for (NodeSettingStatus s : status().getSettings()) {
        if (s.getKey() != null) {
          // The first entry of a key wins, as a search from the start would find it.
          built.putIfAbsent(s.getKey(), s);
        }
      }
      index = built;
      settingsByKey = index;
    }
    return Optional.ofNullable(index.get(key));
  }

  private Optional<NodeRouteStatus> routeStatus(String destination, String device) {
    return status().getRoutes().stream()
        .filter(
            r -> destination.equals(r.getDestination()) && Objects.equals(device, r.getDevice()))
        .findFirst();
  }

  private boolean conditionTrue(String type) {
    return ConditionFactory.find(status().getConditions(), type)
        .filter(c -> "True".equals(c.getStatus()))
        .filter(c -> forThisGeneration(c.getObservedGeneration()))
        .isPresent();
  }

  private boolean forThisGeneration(Long observed) {
    return observed == null || observed.equals(state.getMetadata().getGeneration());
  }

  private String name() {
    return state.getMetadata().getName();
  }
}
