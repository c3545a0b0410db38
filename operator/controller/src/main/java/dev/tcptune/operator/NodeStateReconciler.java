package dev.tcptune.operator;

import dev.tcptune.api.v1alpha1.TcpNodeState;
import dev.tcptune.api.v1alpha1.TcpNodeStateSpec;
import dev.tcptune.api.v1alpha1.TcpProfile;
import dev.tcptune.fleet.AgentReport;
import dev.tcptune.merge.NodeMerge;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.Operator;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.javaoperatorsdk.operator.processing.event.source.filter.OnUpdateFilter;
import io.javaoperatorsdk.operator.processing.event.source.inbound.SimpleInboundEventSource;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Gives every Node the TcpNodeState its profiles add up to: written with server-side apply, only
 * when the spec differs; a Node no profile selects any more gets an empty spec, and its state is
 * deleted once its agent reports the originals restored.
 */
@ControllerConfiguration(
    name = NodeStateReconciler.NAME,
    generationAwareEventProcessing = false,
    // The Node cache's store (a NodeLabelsStore that counts into this reconciler's CacheChanges)
    // is set at registration: register(Operator).
    informer =
        @Informer(
            onUpdateFilter = NodeStateReconciler.LabelsChanged.class,
            informerListLimit = ListPages.SIZE))
public final class NodeStateReconciler implements Reconciler<Node> {

  static final String NAME = "node-state";
  static final String FIELD_MANAGER = "tcptune-operator";
  private static final Logger LOG = LoggerFactory.getLogger(NodeStateReconciler.class);

  /** Wakes the nodes a rollout lets in: the reconcile that planned it writes only its own node. */
  private final SimpleInboundEventSource<Node> admissions =
      new SimpleInboundEventSource<>("rollout-admissions");

  private final CacheChanges changes = new CacheChanges();
  private final Fleet fleet =
      new Fleet(changes, node -> admissions.propagateEvent(new ResourceID(node)));
  private final OperatorMetrics metrics;
  private InformerEventSource<TcpProfile, Node> profiles;
  private InformerEventSource<TcpNodeState, Node> states;

  NodeStateReconciler(OperatorMetrics metrics) {
    this.metrics = metrics;
  }

  /** Registers this reconciler with the Node cache its plans count the changes of. */
  void register(Operator operator) {
    operator.register(this, o -> o.withItemStore(new NodeLabelsStore(changes)));
  }

  /** Node heartbeats update status every few seconds; only labels decide what a node gets. */
  public static final class LabelsChanged implements OnUpdateFilter<Node> {
    @Override
    public boolean accept(Node updated, Node old) {
      return !Objects.equals(updated.getMetadata().getLabels(), old.getMetadata().getLabels());
    }
  }

  @Override
  public List<EventSource<?, Node>> prepareEventSources(EventSourceContext<Node> context) {
    // A profile can change what any node gets (selection, merge). A node's report changes what its
    // own node gets; what it changes for others (rollout slots) comes through the admissions.
    profiles =
        new InformerEventSource<>(
            InformerEventSourceConfiguration.from(TcpProfile.class, Node.class)
                .withName("profiles")
                .withItemStore(new ChangeCountingStore<>(changes::changed))
                .withSecondaryToPrimaryMapper(p -> EveryPrimary.of(context))
                .build(),
            context);
    states =
        new InformerEventSource<>(
            InformerEventSourceConfiguration.from(TcpNodeState.class, Node.class)
                .withInformerListLimit(ListPages.SIZE)
                .withName("node-states")
                .withItemStore(new ChangeCountingStore<>(changes::stateChanged))
                .withSecondaryToPrimaryMapper(s -> ownNode(s, context))
                .build(),
            context);
    return List.of(profiles, states, admissions);
  }

  /**
   * The state's own node; every node when that Node is gone, as no reconcile of it will run and its
   * rollout slot may let others in.
   */
  private static Set<ResourceID> ownNode(TcpNodeState state, EventSourceContext<Node> context) {
    ResourceID own = new ResourceID(state.getMetadata().getName());
    return context.getPrimaryCache().get(own).isPresent() ? Set.of(own) : EveryPrimary.of(context);
  }

  @Override
  public UpdateControl<Node> reconcile(Node node, Context<Node> context) {
    String name = node.getMetadata().getName();
    try (var timer = metrics.reconcile(NAME, name)) {
      Optional<TcpNodeState> current = states.get(new ResourceID(name));
      NodeMerge desired = desiredFor(name, current, context);
      switch (next(desired, current)) {
        case WRITE -> apply(desired, current, context.getClient());
        case DELETE_RESTORED -> deleteRestored(current.orElseThrow(), context.getClient());
        case NOTHING -> {}
      }
      return UpdateControl.noUpdate();
    }
  }

  /** What a reconcile of one node does. */
  enum Step {
    NOTHING,
    WRITE,
    DELETE_RESTORED
  }

  /**
   * The step for a node whose profiles add up to {@code desired} ({@code null} when the plan has no
   * such node) and whose state is {@code current}.
   */
  static Step next(NodeMerge desired, Optional<TcpNodeState> current) {
    if (desired == null) {
      // The Node was deleted after this reconcile was queued (a scale-down): the plan no longer
      // has it. Nothing to write; a state it leaves is the orphan reconciler's.
      return Step.NOTHING;
    }
    if (current.isEmpty()) {
      return desired.empty() ? Step.NOTHING : Step.WRITE;
    }
    if (!sameSpec(current.get().getSpec(), desired.spec())) {
      return Step.WRITE;
    }
    if (desired.empty() && new AgentReport(current.get()).restored()) {
      return Step.DELETE_RESTORED;
    }
    return Step.NOTHING;
  }

  private NodeMerge desiredFor(String node, Optional<TcpNodeState> current, Context<Node> context) {
    String version = current.map(s -> s.getMetadata().getResourceVersion()).orElse(null);
    var plan =
        fleet
            .planFor(
                node, version, () -> context.getPrimaryCache().list(), profiles::list, states::list)
            .plan();
    return plan.nodes().get(node);
  }

  private void apply(NodeMerge desired, Optional<TcpNodeState> current, KubernetesClient client) {
    TcpNodeState state = new TcpNodeState();
    state.setMetadata(new ObjectMetaBuilder().withName(desired.node()).build());
    state.setSpec(desired.spec());
    state.setStatus(null);
    TcpNodeState written =
        client.resource(state).fieldManager(FIELD_MANAGER).forceConflicts().serverSideApply();
    // Until the watch delivers this write, reconciles of this node must see it: a stale cached spec
    // would be written again (the scale benchmark counted one redundant write per node and event
    // at 1,000 nodes when every report reconciled every node).
    ResourceID id = ResourceID.fromResource(written);
    if (current.isPresent()) {
      states.handleRecentResourceUpdate(id, written, current.get());
    } else {
      states.handleRecentResourceCreate(id, written);
    }
    metrics.stateWritten();
    LOG.atInfo()
        .addKeyValue("node", desired.node())
        .addKeyValue("settings", desired.spec().getSettings().size())
        .addKeyValue("routes", desired.spec().getRoutes().size())
        .addKeyValue("profiles", desired.spec().getProfiles())
        .log("node state written");
  }

  private void deleteRestored(TcpNodeState state, KubernetesClient client) {
    client.resource(state).lockResourceVersion().delete();
    LOG.atInfo()
        .addKeyValue("node", state.getMetadata().getName())
        .log("node restored; state deleted");
  }

  static boolean sameSpec(TcpNodeStateSpec current, TcpNodeStateSpec desired) {
    return current != null && normalized(current).equals(normalized(desired));
  }

  private static TcpNodeStateSpec normalized(TcpNodeStateSpec spec) {
    TcpNodeStateSpec copy = new TcpNodeStateSpec();
    copy.setProfiles(spec.getProfiles() == null ? List.of() : List.copyOf(spec.getProfiles()));
    copy.setProfileGenerations(
        spec.getProfileGenerations() == null
            ? new TreeMap<>()
            : new TreeMap<>(spec.getProfileGenerations()));
    copy.setSettings(spec.getSettings() == null ? List.of() : List.copyOf(spec.getSettings()));
    copy.setRoutes(spec.getRoutes() == null ? List.of() : List.copyOf(spec.getRoutes()));
    return copy;
  }
}
