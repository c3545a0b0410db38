package dev.tcptune.status;

import static dev.tcptune.status.ProfileConditions.*;

import dev.tcptune.api.v1alpha1.NodeProblem;
import dev.tcptune.api.v1alpha1.RolloutStatus;
import dev.tcptune.api.v1alpha1.TcpNodeState;
import dev.tcptune.api.v1alpha1.TcpProfileStatus;
import dev.tcptune.fleet.AgentReport;
import dev.tcptune.fleet.AgentReports;
import dev.tcptune.fleet.ProfilePlan;
import dev.tcptune.fleet.RolloutPlan;
import dev.tcptune.merge.Conflict;
import io.fabric8.kubernetes.api.model.Condition;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A TcpProfile's status from its plan and the node states: counts, the nodes in trouble and the
 * conditions. Rebuilt on every reconcile; equal to the last one written when nothing changed
 * (conditions keep their {@code lastTransitionTime}), so an idle operator writes nothing.
 */
public final class ProfileStatusBuilder {

  /** The status lists at most this many nodes; the counts are complete. */
  public static final int MAX_NODES_IN_TROUBLE = 10;

  private static final int MAX_MESSAGES = 3;

  private final ConditionFactory conditions;
  private final ProfileTimings timings = new ProfileTimings();

  public ProfileStatusBuilder(ConditionFactory conditions) {
    this.conditions = conditions;
  }

  /**
   * @param holding while the profile is being deleted: the nodes that have not restored yet
   * @param restoreTimedOut the deletion waited longer than allowed for {@code holding}
   */
  public TcpProfileStatus build(
      ProfilePlan plan,
      List<Conflict> conflicts,
      Map<String, TcpNodeState> states,
      TcpProfileStatus previous,
      List<String> holding,
      boolean restoreTimedOut) {
    return build(
        plan, conflicts, states, AgentReports.of(states), previous, holding, restoreTimedOut);
  }

  /**
   * The same, with {@code reports} the agent reports of {@code states} (a plan's, shared with the
   * reconciles that read the same plan).
   */
  public TcpProfileStatus build(
      ProfilePlan plan,
      List<Conflict> conflicts,
      Map<String, TcpNodeState> states,
      AgentReports reports,
      TcpProfileStatus previous,
      List<String> holding,
      boolean restoreTimedOut) {
    long generation = plan.profile().getMetadata().getGeneration();
    List<Condition> before = previous == null ? List.of() : previous.getConditions();
    TcpProfileStatus status = new TcpProfileStatus();
    status.setObservedGeneration(generation);
    List<NodeProblem> failed = new ArrayList<>();
    List<NodeProblem> drifted = new ArrayList<>();
    int applied = 0;
    RolloutPlan rollout = plan.rollout();
    for (String node : plan.selected()) {
      TcpNodeState state = states.get(node);
      if (state == null) {
        continue;
      }
      AgentReport report = reports.get(node);
      Optional<NodeProblem> problem = report.problemFor(plan.name());
      problem.filter(p -> p.getState().equals("Failed")).ifPresent(failed::add);
      problem.filter(p -> p.getState().equals("Drifted")).ifPresent(drifted::add);
      if (problem.isEmpty()
          && report.doneFor(plan.name())
          && Long.valueOf(generation)
              .equals(state.getSpec().getProfileGenerations().get(plan.name()))) {
        applied++;
      }
    }
    if (plan.valid()) {
      status.setTimings(
          timings
              .timingsOf(plan.profile(), plan.selected().stream().map(states::get).toList())
              .orElse(null));
    }
    status.setMatchedNodes(plan.selected().size());
    status.setAppliedNodes(applied);
    status.setFailedNodes(failed.size());
    status.setDriftedNodes(drifted.size());
    List<NodeProblem> trouble = new ArrayList<>(failed);
    trouble.addAll(drifted);
    status.setNodesInTrouble(trouble.stream().limit(MAX_NODES_IN_TROUBLE).toList());
    if (rollout != null) {
      status.setRollout(
          new RolloutStatus(
              rollout.generation(),
              rollout.updated(),
              rollout.done(),
              rollout.pending(),
              rollout.paused(),
              rollout.pausedBy().map(p -> p.getNode() + ": " + p.getMessage()).orElse(null)));
    }
    Facts facts =
        new Facts(plan, rollout, applied, failed, drifted, conflicts, holding, restoreTimedOut);
    status.setConditions(
        List.of(
            ready(facts, generation, before),
            progressing(facts, generation, before),
            degraded(facts, generation, before),
            condition(
                DRIFTED,
                !drifted.isEmpty(),
                drifted.isEmpty() ? NO_DRIFT : NODES_DRIFTED,
                problems(drifted, plan.selected().size(), "drifted"),
                generation,
                before),
            condition(
                CONFLICT,
                !conflicts.isEmpty(),
                conflicts.isEmpty() ? NO_CONFLICT : PRIORITY_TIE,
                limited(conflicts.stream().map(Conflict::message).toList()),
                generation,
                before),
            condition(
                INVALID,
                !plan.valid(),
                plan.valid() ? VALID : VALIDATION_FAILED,
                limited(plan.errors().stream().map(Object::toString).toList())
                    + (plan.valid() ? "" : "; nothing of this profile is applied"),
                generation,
                before)));
    return status;
  }

  private record Facts(
      ProfilePlan plan,
      RolloutPlan rollout,
      int applied,
      List<NodeProblem> failed,
      List<NodeProblem> drifted,
      List<Conflict> conflicts,
      List<String> holding,
      boolean restoreTimedOut) {
    int matched() {
      return plan.selected().size();
    }
  }

  private Condition ready(Facts f, long generation, List<Condition> before) {
    if (!f.plan().valid()) {
      return condition(
          READY, false, VALIDATION_FAILED, "the profile is invalid", generation, before);
    }
    if (f.plan().deleting()) {
      return condition(READY, false, DELETING, "the profile is being deleted", generation, before);
    }
    if (f.rollout().paused()) {
      return condition(
          READY, false, ROLLOUT_PAUSED, pausedMessage(f.rollout()), generation, before);
    }
    if (!f.failed().isEmpty()) {
      return condition(
          READY,
          false,
          NODES_FAILED,
          problems(f.failed(), f.matched(), "failed"),
          generation,
          before);
    }
    if (f.matched() == 0) {
      return condition(
          READY, true, NO_NODES_SELECTED, "no node matches the selector", generation, before);
    }
    if (f.applied() < f.matched()) {
      return condition(
          READY,
          false,
          NOT_ALL_NODES_APPLIED,
          f.applied() + " of " + f.matched() + " nodes applied",
          generation,
          before);
    }
    return condition(
        READY,
        true,
        ALL_NODES_APPLIED,
        "applied on all " + f.matched() + " nodes",
        generation,
        before);
  }

  private Condition progressing(Facts f, long generation, List<Condition> before) {
    if (!f.plan().valid()) {
      return condition(
          PROGRESSING, false, VALIDATION_FAILED, "the profile is invalid", generation, before);
    }
    if (f.plan().deleting()) {
      return condition(
          PROGRESSING,
          !f.holding().isEmpty(),
          RESTORING,
          "waiting for "
              + f.holding().size()
              + " nodes to restore their originals"
              + nodeList(f.holding()),
          generation,
          before);
    }
    RolloutPlan r = f.rollout();
    if (r.paused()) {
      return condition(PROGRESSING, false, ROLLOUT_PAUSED, pausedMessage(r), generation, before);
    }
    String progress =
        "generation "
            + r.generation()
            + ": "
            + r.done()
            + " of "
            + f.matched()
            + " nodes done, "
            + (r.updated() - r.done())
            + " changing, "
            + r.pending()
            + " waiting";
    return r.complete()
        ? condition(PROGRESSING, false, ROLLOUT_COMPLETE, progress, generation, before)
        : condition(PROGRESSING, true, ROLLING_OUT, progress, generation, before);
  }

  private Condition degraded(Facts f, long generation, List<Condition> before) {
    if (f.restoreTimedOut()) {
      return condition(
          DEGRADED,
          true,
          RESTORE_TIMED_OUT,
          f.holding().size() + " nodes did not restore in time" + nodeList(f.holding()),
          generation,
          before);
    }
    return condition(
        DEGRADED,
        !f.failed().isEmpty(),
        f.failed().isEmpty() ? NO_FAILURES : NODES_FAILED,
        problems(f.failed(), f.matched(), "failed"),
        generation,
        before);
  }

  private static String pausedMessage(RolloutPlan rollout) {
    return "rollout of generation "
        + rollout.generation()
        + " paused: "
        + rollout.pausedBy().map(p -> "node " + p.getNode() + ": " + p.getMessage()).orElse("");
  }

  private static String problems(List<NodeProblem> problems, int matched, String what) {
    if (problems.isEmpty()) {
      return "";
    }
    return problems.size()
        + " of "
        + matched
        + " nodes "
        + what
        + ": "
        + limited(
            problems.stream()
                .sorted(Comparator.comparing(NodeProblem::getNode))
                .map(p -> p.getNode() + ": " + p.getMessage())
                .toList());
  }

  private static String nodeList(List<String> nodes) {
    return nodes.isEmpty() ? "" : ": " + limited(nodes);
  }

  private static String limited(List<String> items) {
    String shown = String.join("; ", items.stream().limit(MAX_MESSAGES).toList());
    return items.size() > MAX_MESSAGES
        ? shown + " (and " + (items.size() - MAX_MESSAGES) + " more)"
        : shown;
  }

  private Condition condition(
      String type,
      boolean status,
      String reason,
      String message,
      long generation,
      List<Condition> before) {
    return conditions.condition(type, status, reason, message, generation, before);
  }
}
