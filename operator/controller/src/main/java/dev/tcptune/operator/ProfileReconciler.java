package dev.tcptune.operator;

import dev.tcptune.api.v1alpha1.TcpNodeState;
import dev.tcptune.api.v1alpha1.TcpProfile;
import dev.tcptune.api.v1alpha1.TcpProfileStatus;
import dev.tcptune.fleet.AgentReport;
import dev.tcptune.fleet.FleetPlanner;
import dev.tcptune.fleet.ProfilePlan;
import dev.tcptune.status.ConditionFactory;
import dev.tcptune.status.ProfileConditions;
import dev.tcptune.status.ProfileEvent;
import dev.tcptune.status.ProfileStatusBuilder;
import dev.tcptune.status.ProgressSteps;
import io.fabric8.kubernetes.api.model.Node;
import io.javaoperatorsdk.operator.Operator;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Cleaner;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.DeleteControl;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Aggregates the node states into each TcpProfile's status and Events, and holds a deleted profile
 * (finalizer) until every node it touched has restored its originals or the timeout passed.
 */
@ControllerConfiguration(name = ProfileReconciler.NAME, finalizerName = ProfileReconciler.FINALIZER)
public final class ProfileReconciler implements Reconciler<TcpProfile>, Cleaner<TcpProfile> {

  static final String NAME = "profile-status";
  public static final String FINALIZER = "tcptune.dev/restore";
  private static final Duration RECHECK = Duration.ofSeconds(10);
  private static final Duration STALE_RECHECK = Duration.ofSeconds(1);

  /** Counts that moved less than a step are written after this long at the latest. */
  static final Duration PROGRESS_CATCH_UP = Duration.ofSeconds(30);

  private static final Logger LOG = LoggerFactory.getLogger(ProfileReconciler.class);

  private final CacheChanges changes = new CacheChanges();
  private final Fleet fleet = new Fleet(changes);
  private final OperatorMetrics metrics;
  private final Clock clock;
  private final Duration restoreTimeout;
  private final ProfileStatusBuilder statuses;

  /** Profiles whose stored counts are behind, since when: written after PROGRESS_CATCH_UP. */
  private final Map<String, Instant> behindSince = new ConcurrentHashMap<>();

  private InformerEventSource<Node, TcpProfile> nodes;
  private InformerEventSource<TcpNodeState, TcpProfile> states;

  ProfileReconciler(OperatorMetrics metrics, Clock clock, OperatorConfig config) {
    this.metrics = metrics;
    this.clock = clock;
    this.restoreTimeout = config.restoreTimeout();
    this.statuses = new ProfileStatusBuilder(new ConditionFactory(clock));
  }

  /** Registers this reconciler with the profile cache its plans count the changes of. */
  void register(Operator operator) {
    operator.register(this, o -> o.withItemStore(new ChangeCountingStore<>(changes::changed)));
  }

  @Override
  public List<EventSource<?, TcpProfile>> prepareEventSources(
      EventSourceContext<TcpProfile> context) {
    // Any node or node state can change any profile's counts, selection or conflicts.
    nodes =
        new InformerEventSource<>(
            InformerEventSourceConfiguration.from(Node.class, TcpProfile.class)
                .withInformerListLimit(ListPages.SIZE)
                .withName("nodes")
                .withOnUpdateFilter(new NodeStateReconciler.LabelsChanged())
                .withItemStore(new NodeLabelsStore(changes))
                .withSecondaryToPrimaryMapper(n -> EveryPrimary.of(context))
                .build(),
            context);
    states =
        new InformerEventSource<>(
            InformerEventSourceConfiguration.from(TcpNodeState.class, TcpProfile.class)
                .withInformerListLimit(ListPages.SIZE)
                .withName("node-states")
                .withItemStore(new ChangeCountingStore<>(changes::stateChanged))
                .withSecondaryToPrimaryMapper(s -> EveryPrimary.of(context))
                .build(),
            context);
    return List.of(nodes, states);
  }

  @Override
  public UpdateControl<TcpProfile> reconcile(TcpProfile profile, Context<TcpProfile> context) {
    try (var timer = metrics.reconcile(NAME, profile.getMetadata().getName())) {
      Fleet.Snapshot now = snapshot(context);
      ProfilePlan plan = now.plan().profiles().get(profile.getMetadata().getName());
      TcpProfileStatus status =
          statuses.build(
              plan,
              now.plan().conflictsOf(plan.name()),
              now.states(),
              now.reports(),
              profile.getStatus(),
              List.of(),
              false);
      recordMetrics(plan.name(), status, now);
      String name = profile.getMetadata().getName();
      if (status.equals(profile.getStatus())) {
        behindSince.remove(name);
        return UpdateControl.noUpdate();
      }
      if (!ProgressSteps.worthWriting(profile.getStatus(), status)) {
        Instant since = behindSince.computeIfAbsent(name, n -> clock.instant());
        Duration left = PROGRESS_CATCH_UP.minus(Duration.between(since, clock.instant()));
        if (!left.isNegative() && !left.isZero()) {
          // A stalled rollout sends no more events: come back to write the counts then.
          return UpdateControl.<TcpProfile>noUpdate().rescheduleAfter(left.toMillis());
        }
      }
      behindSince.remove(name);
      if (!writeStatus(context, profile, status)) {
        // The cached copy was stale: look again once the informer has the newer one.
        return UpdateControl.<TcpProfile>noUpdate().rescheduleAfter(STALE_RECHECK.toMillis());
      }
      return UpdateControl.noUpdate();
    }
  }

  @Override
  public DeleteControl cleanup(TcpProfile profile, Context<TcpProfile> context) {
    String name = profile.getMetadata().getName();
    try (var timer = metrics.reconcile(NAME, name)) {
      Fleet.Snapshot now = snapshot(context);
      ProfilePlan plan = now.plan().profiles().get(name);
      List<String> holding = FleetPlanner.nodesHolding(plan, now.states());
      if (holding.isEmpty()) {
        record(
            context,
            profile,
            List.of(
                new ProfileEvent(
                    false, "Restored", "every node it touched restored its originals")));
        metrics.profileGone(name);
        behindSince.remove(name);
        return DeleteControl.defaultDelete();
      }
      boolean timedOut =
          Duration.between(
                      Instant.parse(profile.getMetadata().getDeletionTimestamp()), clock.instant())
                  .compareTo(restoreTimeout)
              > 0;
      TcpProfileStatus status =
          statuses.build(
              plan, List.of(), now.states(), now.reports(), profile.getStatus(), holding, timedOut);
      if (!status.equals(profile.getStatus())) {
        writeStatus(context, profile, status);
      }
      if (timedOut) {
        LOG.atWarn()
            .addKeyValue("profile", name)
            .addKeyValue("nodes", holding)
            .log("restore timed out; finalizer released");
        metrics.profileGone(name);
        behindSince.remove(name);
        return DeleteControl.defaultDelete();
      }
      return DeleteControl.noFinalizerRemoval().rescheduleAfter(RECHECK.toMillis());
    }
  }

  private Fleet.Snapshot snapshot(Context<TcpProfile> context) {
    return fleet.plan(nodes::list, () -> context.getPrimaryCache().list(), states::list);
  }

  private void recordMetrics(String profile, TcpProfileStatus status, Fleet.Snapshot now) {
    ConditionFactory.find(status.getConditions(), ProfileConditions.READY)
        .ifPresent(c -> metrics.profileReady(profile, c.getReason()));
    Map<String, String> nodes = new TreeMap<>();
    now.states()
        .forEach(
            (node, state) -> {
              AgentReport report = now.reports().get(node);
              String worst = "Pending";
              for (String p : state.getSpec().getProfiles()) {
                var problem = report.problemFor(p);
                if (problem.isPresent()) {
                  worst = problem.get().getState();
                  break;
                }
                if (report.doneFor(p)) {
                  worst = "Applied";
                }
              }
              nodes.put(node, worst);
            });
    metrics.nodes(nodes);
  }

  private boolean writeStatus(
      Context<TcpProfile> context, TcpProfile profile, TcpProfileStatus status) {
    boolean written =
        new ProfileStatusWriter(context.getClient(), new ConditionFactory(clock))
            .write(profile, status);
    if (written) {
      metrics.statusWritten();
    }
    return written;
  }

  private void record(Context<TcpProfile> context, TcpProfile profile, List<ProfileEvent> events) {
    if (events.isEmpty()) {
      return;
    }
    EventRecorder recorder = new EventRecorder(context.getClient(), new ConditionFactory(clock));
    events.forEach(e -> recorder.record(profile, e));
  }
}
