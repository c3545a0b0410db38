package dev.tcptune.operator;

import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import java.util.List;

/**
 * Keeps the agent DaemonSet as the configuration says. The primary is the operator's own Deployment
 * (one object: its namespace and name come from the configuration), which also owns the DaemonSet,
 * so uninstalling the operator removes the agents.
 */
// Not generation-aware: any change of the Deployment re-checks the DaemonSet (a no-op when equal).
@ControllerConfiguration(
    name = AgentDaemonSetReconciler.NAME,
    generationAwareEventProcessing = false)
public final class AgentDaemonSetReconciler implements Reconciler<Deployment> {

  static final String NAME = "agent-daemonset";

  private final AgentDaemonSet daemonSet;
  private final OperatorMetrics metrics;

  AgentDaemonSetReconciler(OperatorConfig.AgentConfig config, OperatorMetrics metrics) {
    this.daemonSet = new AgentDaemonSet(config);
    this.metrics = metrics;
  }

  @Override
  public List<EventSource<?, Deployment>> prepareEventSources(
      EventSourceContext<Deployment> context) {
    return List.of(daemonSet.initEventSource(context));
  }

  @Override
  public UpdateControl<Deployment> reconcile(Deployment operator, Context<Deployment> context) {
    try (var timer = metrics.reconcile(NAME, operator.getMetadata().getName())) {
      daemonSet.reconcile(operator, context);
      return UpdateControl.noUpdate();
    }
  }
}
