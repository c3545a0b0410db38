package dev.tcptune.operator;

import dev.tcptune.status.ProfileConditions;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.MDC;

/**
 * The operator's metrics (Prometheus text on {@code /metrics}): reconciles by controller with their
 * duration, writes of node states and profile status, profiles by Ready reason and nodes by state.
 */
public final class OperatorMetrics {

  static final String MDC_RESOURCE = "resource";

  private final PrometheusMeterRegistry registry =
      new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final Counter stateWrites;
  private final Counter statusWrites;
  private final Map<String, String> profileReasons = new ConcurrentHashMap<>();
  private final Map<String, String> nodeStates = new ConcurrentHashMap<>();

  public OperatorMetrics() {
    stateWrites =
        Counter.builder("tcptune_node_state_writes")
            .description("TcpNodeState specs written")
            .register(registry);
    statusWrites =
        Counter.builder("tcptune_profile_status_writes")
            .description("TcpProfile status writes")
            .register(registry);
    for (String reason :
        List.of(
            ProfileConditions.ALL_NODES_APPLIED,
            ProfileConditions.NO_NODES_SELECTED,
            ProfileConditions.NOT_ALL_NODES_APPLIED,
            ProfileConditions.NODES_FAILED,
            ProfileConditions.ROLLOUT_PAUSED,
            ProfileConditions.VALIDATION_FAILED,
            ProfileConditions.DELETING)) {
      Gauge.builder("tcptune_profiles", () -> count(profileReasons, reason))
          .description("TcpProfiles by the reason of their Ready condition")
          .tag("ready_reason", reason)
          .register(registry);
    }
    for (String state : new String[] {"Applied", "Failed", "Drifted", "Pending"}) {
      Gauge.builder("tcptune_nodes", () -> count(nodeStates, state))
          .description("Nodes with a TcpNodeState, by what their agent reports")
          .tag("state", state)
          .register(registry);
    }
  }

  private static long count(Map<String, String> map, String value) {
    return map.values().stream().filter(value::equals).count();
  }

  /** Times one reconcile and puts the resource name in the logging context until closed. */
  Reconcile reconcile(String controller, String resource) {
    MDC.put(MDC_RESOURCE, resource);
    return new Reconcile(Timer.start(registry), controller);
  }

  /** A running reconcile; closing it records the duration and clears the logging context. */
  final class Reconcile implements AutoCloseable {
    private final Timer.Sample sample;
    private final String controller;

    private Reconcile(Timer.Sample sample, String controller) {
      this.sample = sample;
      this.controller = controller;
    }

    @Override
    public void close() {
      sample.stop(
          Timer.builder("tcptune_reconcile")
              .description("Reconciles by controller")
              .tag("controller", controller)
              .register(registry));
      MDC.remove(MDC_RESOURCE);
    }
  }

  void stateWritten() {
    stateWrites.increment();
  }

  void statusWritten() {
    statusWrites.increment();
  }

  void profileReady(String profile, String reason) {
    profileReasons.put(profile, reason);
  }

  void profileGone(String profile) {
    profileReasons.remove(profile);
  }

  void nodes(Map<String, String> stateByNode) {
    nodeStates.keySet().retainAll(stateByNode.keySet());
    nodeStates.putAll(stateByNode);
  }

  public String scrape() {
    return registry.scrape();
  }
}
