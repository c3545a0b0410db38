package dev.tcptune.operator;

import dev.tcptune.api.v1alpha1.TcpNodeState;
import dev.tcptune.api.v1alpha1.TcpNodeStateSpec;
import dev.tcptune.api.v1alpha1.TcpProfile;
import dev.tcptune.fleet.AgentReport;
import dev.tcptune.merge.NodeMerge;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
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
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
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
    informer = @Informer(onUpdateFilter = NodeStateReconciler.LabelsChanged.class))
public final class NodeStateReconciler implements Reconciler<Node> {

  static final String NAME = "node-state";
  static final String FIELD_MANAGER = "tcptune-operator";
  private static final Logger LOG = LoggerFactory.getLogger(NodeStateReconciler.class);

  private final Fleet fleet = new Fleet();
  private final OperatorMetrics metrics;
  private InformerEventSource<TcpProfile, Node> profiles;
  private InformerEventSource<TcpNodeState, Node> states;

  NodeStateReconciler(OperatorMetrics metrics) {
    this.metrics = metrics;
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
    // A profile or a node's report can change what any node gets (selection, merge, rollout slots).
    profiles =
        new InformerEventSource<>(
            InformerEventSourceConfiguration.from(TcpProfile.class, Node.class)
                .withName("profiles")
                .withSecondaryToPrimaryMapper(p -> EveryPrimary.of(context))
                .build(),
            context);
    states =
        new InformerEventSource<>(
            InformerEventSourceConfiguration.from(TcpNodeState.class, Node.class)
                .withName("node-states")
                .withSecondaryToPrimaryMapper(s -> EveryPrimary.of(context))
                .build(),
            context);
    return List.of(profiles, states);
  }

  @Override
  public UpdateControl<Node> reconcile(Node node, Context<Node> context) {
    String name = node.getMetadata().getName();
    try (var timer = metrics.reconcile(NAME, name)) {
      NodeMerge desired = desiredFor(name, context);
      Optional<TcpNodeState> current = states.get(new ResourceID(name));
      if (current.isEmpty()) {
        createIfNeeded(desired, context.getClient());
      } else if (!sameSpec(current.get().getSpec(), desired.spec())) {
        apply(desired, current, context.getClient());
      } else if (desired.empty() && new AgentReport(current.get()).restored()) {
        deleteRestored(current.get(), context.getClient());
      }
      return UpdateControl.noUpdate();
    }
  }

  private NodeMerge desiredFor(String node, Context<Node> context) {
    var plan =
        fleet.plan(() -> context.getPrimaryCache().list(), profiles::list, states::list).plan();
    return plan.nodes().get(node);
  }

  private void createIfNeeded(NodeMerge desired, KubernetesClient client) {
    if (!desired.empty()) {
      apply(desired, Optional.empty(), client);
    }
  }

  private void apply(NodeMerge desired, Optional<TcpNodeState> current, KubernetesClient client) {
    TcpNodeState state = new TcpNodeState();
    state.setMetadata(new ObjectMetaBuilder().withName(desired.node()).build());
    state.setSpec(desired.spec());
    state.setStatus(null);
    TcpNodeState written =
        client.resource(state).fieldManager(FIELD_MANAGER).forceConflicts().serverSideApply();
    // Until the watch delivers this write, reconciles of this node (every node reconciles on any
    // node's report) must see it: a stale cached spec would be written again, one redundant write
    // per node and event at 1,000 nodes (the scale benchmark counted them).
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
