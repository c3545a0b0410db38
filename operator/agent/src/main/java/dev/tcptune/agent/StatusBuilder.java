package dev.tcptune.agent;

import dev.tcptune.api.v1alpha1.NodeRouteStatus;
import dev.tcptune.api.v1alpha1.NodeSettingStatus;
import dev.tcptune.api.v1alpha1.NodeSummary;
import dev.tcptune.api.v1alpha1.OriginalValue;
import dev.tcptune.api.v1alpha1.SettingState;
import dev.tcptune.api.v1alpha1.SocketStatistics;
import dev.tcptune.api.v1alpha1.TcpNodeStateStatus;
import dev.tcptune.kernel.apply.ApplyReport;
import dev.tcptune.kernel.apply.RouteResult;
import dev.tcptune.kernel.apply.SettingResult;
import dev.tcptune.kernel.apply.SettingStatus;
import dev.tcptune.status.ConditionFactory;
import io.fabric8.kubernetes.api.model.Condition;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.stream.Stream;

/**
 * The status of a node from the outcome of one check: a pure function of its inputs and the clock,
 * so that the same node state gives an equal status (times of unchanged states and conditions are
 * kept) and causes no API write.
 */
final class StatusBuilder {

  static final String APPLIED = "Applied";
  static final String DRIFTED = "Drifted";
  static final String DEGRADED = "Degraded";

  /** Longest condition message; the API server refuses 32 KiB, a human reads far less. */
  private static final int MAX_MESSAGE = 1024;

  private static final Set<SettingState> KEEP_AFTER_RESTORE =
      Set.of(SettingState.RESTORED, SettingState.CONFLICT);

  private final ConditionFactory conditions;

  StatusBuilder(ConditionFactory conditions) {
    this.conditions = Objects.requireNonNull(conditions, "conditions");
  }

  /** Everything one status is made of, besides the previous status. */
  record Input(
      long generation,
      String kernelVersion,
      NodeTuner.Outcome outcome,
      List<OriginalValue> journal,
      SocketStatistics sockets,
      long driftCorrections) {}

  TcpNodeStateStatus build(Input in, TcpNodeStateStatus previous) {
    TcpNodeStateStatus prev = previous == null ? new TcpNodeStateStatus() : previous;
    String now = conditions.now();
    NodeTuner.Outcome o = in.outcome();
    Set<String> journalKeys = new java.util.HashSet<>();
    in.journal().forEach(v -> journalKeys.add(v.getKey() != null ? v.getKey() : v.getRoute()));

    List<NodeSettingStatus> settings = new ArrayList<>();
    for (SettingResult r : o.applied().settings()) {
      settings.add(setting(r, specState(r.status(), journalKeys.contains(r.key())), prev, now));
    }
    for (String error : o.mappingErrors()) {
      settings.add(
          since(
              NodeSettingStatus.builder()
                  .key(error.substring(0, error.indexOf(':')))
                  .state(SettingState.INVALID)
                  .message(error)
                  .build(),
              prev,
              now));
    }
    settings.addAll(restoredSettings(o.restored(), prev, now, settings));

    Map<String, String> routeOriginals = new LinkedHashMap<>();
    in.journal().stream()
        .filter(v -> v.getRoute() != null)
        .forEach(v -> routeOriginals.put(v.getRoute(), v.getOriginal()));
    List<NodeRouteStatus> routes = new ArrayList<>();
    for (RouteResult r : o.applied().routes()) {
      NodeRouteStatus s =
          route(r, specState(r.status(), r.routeId().map(journalKeys::contains).orElse(false)));
      r.routeId()
          .map(routeOriginals::get)
          .ifPresent(
              original -> s.setOriginal("unset".equals(original) ? original : original + "ms"));
      routes.add(s);
    }
    routes.addAll(restoredRoutes(o.restored(), prev, routes));

    TcpNodeStateStatus status = new TcpNodeStateStatus();
    status.setObservedGeneration(in.generation());
    status.setKernelVersion(in.kernelVersion());
    status.setSettings(settings);
    status.setRoutes(routes);
    status.setOriginals(in.journal());
    status.setSummary(summary(settings, routes, o));
    status.setConditions(conditions(in.generation(), settings, routes, o, prev));
    status.setSockets(in.sockets());
    status.setDriftCorrections(in.driftCorrections());
    status.setLastCheckTime(now);
    status.setLastApplyTime(wroteSomething(o) ? now : prev.getLastApplyTime());
    return status;
  }

  /** State of a spec entry; tcptune's own writes show as Applied, values found in place InSync. */
  private static SettingState specState(SettingStatus status, boolean journaled) {
    return switch (status) {
      case IN_SYNC -> journaled ? SettingState.APPLIED : SettingState.IN_SYNC;
      case APPLIED, CORRECTED -> SettingState.APPLIED;
      case DRIFTED -> SettingState.DRIFTED;
      case CONFLICT -> SettingState.CONFLICT;
      case FAILED -> SettingState.FAILED;
      case UNSUPPORTED -> SettingState.UNSUPPORTED;
      case INVALID -> SettingState.INVALID;
    };
  }

  /** State of a restored entry. */
  private static SettingState restoreState(SettingStatus status) {
    return switch (status) {
      case IN_SYNC, APPLIED, CORRECTED -> SettingState.RESTORED;
      case CONFLICT -> SettingState.CONFLICT;
      case UNSUPPORTED -> SettingState.UNSUPPORTED;
      default -> SettingState.FAILED;
    };
  }

  private static NodeSettingStatus setting(
      SettingResult r, SettingState state, TcpNodeStateStatus prev, String now) {
    return since(
        NodeSettingStatus.builder()
            .key(r.key())
            .desired(r.desired())
            .actual(r.actual().orElse(null))
            .original(r.original().orElse(null))
            .state(state)
            .message(r.message().isEmpty() ? null : r.message())
            .build(),
        prev,
        now);
  }

  /** Keeps {@code since} of the previous entry for the same key in the same state. */
  private static NodeSettingStatus since(NodeSettingStatus s, TcpNodeStateStatus prev, String now) {
    s.setSince(
        nonNull(prev.getSettings()).stream()
            .filter(p -> Objects.equals(p.getKey(), s.getKey()) && p.getState() == s.getState())
            .map(NodeSettingStatus::getSince)
            .filter(Objects::nonNull)
            .findFirst()
            .orElse(now));
    return s;
  }

  /**
   * This check's restore results, plus the Restored and Conflict entries of earlier checks for keys
   * the spec does not ask for again, so that "Restored" stays visible after the journal is empty.
   */
  private static List<NodeSettingStatus> restoredSettings(
      ApplyReport restored, TcpNodeStateStatus prev, String now, List<NodeSettingStatus> spec) {
    Map<String, NodeSettingStatus> byKey = new LinkedHashMap<>();
    for (NodeSettingStatus p : nonNull(prev.getSettings())) {
      if (KEEP_AFTER_RESTORE.contains(p.getState())
          && spec.stream().noneMatch(s -> Objects.equals(s.getKey(), p.getKey()))) {
        byKey.put(p.getKey(), p);
      }
    }
    for (SettingResult r : restored.settings()) {
      byKey.put(
          r.key(),
          since(
              NodeSettingStatus.builder()
                  .key(r.key())
                  .actual(r.actual().orElse(null))
                  .original(r.original().orElse(r.desired()))
                  .state(restoreState(r.status()))
                  .message(r.message().isEmpty() ? null : r.message())
                  .build(),
              prev,
              now));
    }
    return new ArrayList<>(byKey.values());
  }

  private static NodeRouteStatus route(RouteResult r, SettingState state) {
    Optional<RouteId> id = r.routeId().map(RouteId::parse);
    return NodeRouteStatus.builder()
        .rule(r.rule())
        .route(r.routeId().orElse(null))
        .table(id.map(RouteId::table).orElse(null))
        .destination(id.map(RouteId::destination).orElse(null))
        .device(id.map(RouteId::device).orElse(null))
        .desired(millis(r.desired()))
        .actual(millis(r.actual()))
        .original(r.original().isPresent() ? millis(r.original()) : null)
        .state(state)
        .message(r.message().isEmpty() ? null : r.message())
        .build();
  }

  private static List<NodeRouteStatus> restoredRoutes(
      ApplyReport restored, TcpNodeStateStatus prev, List<NodeRouteStatus> spec) {
    Map<String, NodeRouteStatus> byRoute = new LinkedHashMap<>();
    for (NodeRouteStatus p : nonNull(prev.getRoutes())) {
      if (KEEP_AFTER_RESTORE.contains(p.getState())
          && p.getRoute() != null
          && spec.stream().noneMatch(s -> Objects.equals(s.getRoute(), p.getRoute()))) {
        byRoute.put(p.getRoute(), p);
      }
    }
    for (RouteResult r : restored.routes()) {
      NodeRouteStatus s = route(r, restoreState(r.status()));
      s.setDesired(null);
      s.setOriginal(r.desired().isPresent() ? millis(r.desired()) : "unset");
      byRoute.put(r.routeId().orElse(r.rule()), s);
    }
    return new ArrayList<>(byRoute.values());
  }

  private static NodeSummary summary(
      List<NodeSettingStatus> settings, List<NodeRouteStatus> routes, NodeTuner.Outcome o) {
    List<SettingState> states =
        Stream.concat(
                settings.stream()
                    .filter(s -> s.getDesired() != null || s.getState() == SettingState.INVALID)
                    .map(NodeSettingStatus::getState),
                routes.stream().filter(r -> r.getDesired() != null).map(NodeRouteStatus::getState))
            .toList();
    return new NodeSummary(
        states.size(),
        count(states, SettingState.IN_SYNC, SettingState.APPLIED),
        count(states, SettingState.DRIFTED),
        count(states, SettingState.FAILED, SettingState.UNSUPPORTED, SettingState.INVALID));
  }

  private static int count(List<SettingState> states, SettingState... wanted) {
    Set<SettingState> set = Set.of(wanted);
    return (int) states.stream().filter(set::contains).count();
  }

  private List<Condition> conditions(
      long generation,
      List<NodeSettingStatus> settings,
      List<NodeRouteStatus> routes,
      NodeTuner.Outcome o,
      TcpNodeStateStatus prev) {
    List<Condition> previous = nonNull(prev.getConditions());
    List<String> problems = new ArrayList<>();
    List<String> drifted = new ArrayList<>();
    SettingState worst = null;
    for (NodeSettingStatus s : settings) {
      worst = note(s.getState(), s.getKey(), s.getMessage(), problems, drifted, worst);
    }
    for (NodeRouteStatus r : routes) {
      worst =
          note(
              r.getState(),
              r.getRoute() != null ? "route " + r.getRoute() : r.getRule(),
              r.getMessage(),
              problems,
              drifted,
              worst);
    }
    boolean specEmpty =
        o.applied().settings().isEmpty()
            && o.applied().routes().isEmpty()
            && o.mappingErrors().isEmpty();
    Condition applied;
    if (specEmpty) {
      long restored =
          Stream.concat(
                  settings.stream().map(NodeSettingStatus::getState),
                  routes.stream().map(NodeRouteStatus::getState))
              .filter(s -> s == SettingState.RESTORED)
              .count();
      applied =
          conditions.condition(
              APPLIED,
              false,
              problems.isEmpty() ? "Restored" : "RestoreIncomplete",
              problems.isEmpty()
                  ? "nothing to apply; " + restored + " original values restored"
                  : "nothing to apply; not every original could be restored (see Degraded)",
              generation,
              previous);
    } else if (!o.valid()) {
      applied =
          conditions.condition(
              APPLIED,
              false,
              "Invalid",
              "nothing written: the spec has entries outside the catalog (see Degraded)",
              generation,
              previous);
    } else if (o.applied().fullyApplied() || onlyAuditDrift(o.applied())) {
      applied =
          conditions.condition(
              APPLIED,
              true,
              "Applied",
              o.applied().settings().size()
                  + " settings and "
                  + o.applied().routes().size()
                  + " routes checked",
              generation,
              previous);
    } else {
      applied =
          conditions.condition(
              APPLIED,
              false,
              "NotApplied",
              "some settings are not at their desired value (see Degraded)",
              generation,
              previous);
    }
    Condition drift =
        drifted.isEmpty()
            ? conditions.condition(DRIFTED, false, "NoDrift", "", generation, previous)
            : conditions.condition(
                DRIFTED,
                true,
                "DriftDetected",
                truncate(
                    "differ from the spec (Audit, not corrected): " + String.join(", ", drifted)),
                generation,
                previous);
    Condition degraded =
        problems.isEmpty()
            ? conditions.condition(DEGRADED, false, "AsExpected", "", generation, previous)
            : conditions.condition(
                DEGRADED,
                true,
                reason(worst),
                truncate(String.join("; ", problems)),
                generation,
                previous);
    return List.of(applied, drift, degraded);
  }

  private static boolean onlyAuditDrift(ApplyReport r) {
    return Stream.concat(
            r.settings().stream().map(SettingResult::status),
            r.routes().stream().map(RouteResult::status))
        .allMatch(s -> s.isGood() || s == SettingStatus.DRIFTED);
  }

  /** Collects one entry into the problem or drift lists; returns the most severe state so far. */
  private static SettingState note(
      SettingState state,
      String name,
      String message,
      List<String> problems,
      List<String> drifted,
      SettingState worst) {
    if (state == SettingState.DRIFTED) {
      drifted.add(name);
      return worst;
    }
    if (state == SettingState.FAILED
        || state == SettingState.UNSUPPORTED
        || state == SettingState.INVALID
        || state == SettingState.CONFLICT) {
      problems.add(message != null ? message : name + ": " + state);
      return worst == null || severity(state) > severity(worst) ? state : worst;
    }
    return worst;
  }

  private static int severity(SettingState s) {
    return switch (s) {
      case INVALID -> 4;
      case FAILED -> 3;
      case CONFLICT -> 2;
      case UNSUPPORTED -> 1;
      default -> 0;
    };
  }

  private static String reason(SettingState worst) {
    return switch (worst) {
      case INVALID -> "Invalid";
      case FAILED -> "Failed";
      case CONFLICT -> "Conflict";
      default -> "Unsupported";
    };
  }

  private static boolean wroteSomething(NodeTuner.Outcome o) {
    return Stream.of(o.applied(), o.restored())
        .flatMap(
            r ->
                Stream.concat(
                    r.settings().stream().map(SettingResult::status),
                    r.routes().stream().map(RouteResult::status)))
        .anyMatch(s -> s == SettingStatus.APPLIED || s == SettingStatus.CORRECTED);
  }

  private static String millis(OptionalInt value) {
    return value.isPresent() ? value.getAsInt() + "ms" : null;
  }

  private static String truncate(String text) {
    return text.length() <= MAX_MESSAGE ? text : text.substring(0, MAX_MESSAGE - 3) + "...";
  }

  private static <T> List<T> nonNull(List<T> list) {
    return list == null ? List.of() : list;
  }

  /** A route id {@code table/address/prefix/device[/metric]} taken apart for status. */
  private record RouteId(String table, String destination, String device) {
    static RouteId parse(String id) {
      String[] parts = id.split("/");
      if (parts.length < 4) {
        return new RouteId(null, id, null);
      }
      return new RouteId(
          parts[0], parts[1] + "/" + parts[2], "-".equals(parts[3]) ? null : parts[3]);
    }
  }
}
