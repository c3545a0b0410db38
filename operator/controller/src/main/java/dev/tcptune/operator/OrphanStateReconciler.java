package dev.tcptune.operator;

import dev.tcptune.api.v1alpha1.TcpNodeState;
import io.fabric8.kubernetes.api.model.Node;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Deletes the TcpNodeState of a Node that is gone: its agent went with it, nothing is left to
 * restore. Done here rather than by an owner reference so that it does not wait for a garbage
 * collector.
 */
@ControllerConfiguration(
    name = OrphanStateReconciler.NAME,
    informer = @Informer(itemStore = StateNamesStore.class, informerListLimit = ListPages.SIZE))
public final class OrphanStateReconciler implements Reconciler<TcpNodeState> {

  static final String NAME = "orphan-state";
  private static final Logger LOG = LoggerFactory.getLogger(OrphanStateReconciler.class);

  private final OperatorMetrics metrics;
  private InformerEventSource<Node, TcpNodeState> nodes;

  OrphanStateReconciler(OperatorMetrics metrics) {
    this.metrics = metrics;
  }

  @Override
  public List<EventSource<?, TcpNodeState>> prepareEventSources(
      EventSourceContext<TcpNodeState> context) {
    nodes =
        new InformerEventSource<>(
            InformerEventSourceConfiguration.from(Node.class, TcpNodeState.class)
                .withInformerListLimit(ListPages.SIZE)
                .withName("nodes")
                .withItemStore(new NodeLabelsStore())
                .withSecondaryToPrimaryMapper(
                    n -> Set.of(new ResourceID(n.getMetadata().getName())))
                .build(),
            context);
    return List.of(nodes);
  }

  @Override
  public UpdateControl<TcpNodeState> reconcile(TcpNodeState state, Context<TcpNodeState> context) {
    String name = state.getMetadata().getName();
    try (var timer = metrics.reconcile(NAME, name)) {
      if (nodes.get(new ResourceID(name)).isEmpty()) {
        context.getClient().resource(state).delete();
        LOG.atInfo().addKeyValue("node", name).log("node is gone; its state deleted");
      }
      return UpdateControl.noUpdate();
    }
  }
}
