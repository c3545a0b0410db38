package dev.tcptune.operator;

import dev.tcptune.api.v1alpha1.TcpNodeState;
import dev.tcptune.api.v1alpha1.TcpProfile;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.javaoperatorsdk.operator.Operator;
import io.javaoperatorsdk.operator.api.config.LeaderElectionConfiguration;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The operator process: the reconcilers on one JOSDK {@link Operator}, leader-elected through a
 * Lease so that of several replicas one reconciles, plus the probe and metrics endpoint.
 */
public final class TcpTuneOperator implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(TcpTuneOperator.class);

  private final Operator operator;
  private final ProbeServer probes;

  private TcpTuneOperator(Operator operator, ProbeServer probes) {
    this.operator = operator;
    this.probes = probes;
  }

  /** Starts reconciling (once this replica leads) and serving probes; returns at once. */
  public static TcpTuneOperator start(KubernetesClient client, OperatorConfig config, Clock clock)
      throws IOException {
    return start(client, config, clock, true);
  }

  /**
   * @param exitOnStopLeading a replica that loses the Lease exits (the pod restarts and rejoins as
   *     a follower), so two replicas never reconcile at once; false only for replicas in one test
   *     JVM
   */
  public static TcpTuneOperator start(
      KubernetesClient client, OperatorConfig config, Clock clock, boolean exitOnStopLeading)
      throws IOException {
    LOG.atInfo()
        .addKeyValue("namespace", config.namespace())
        .addKeyValue("identity", config.identity())
        .addKeyValue("leaderElection", config.leaderElection())
        .addKeyValue("lease", config.leaseName())
        .addKeyValue("probePort", config.probePort())
        .addKeyValue("restoreTimeout", config.restoreTimeout())
        .addKeyValue("agent", config.agent())
        .log("starting operator");
    readsOwnKinds(client.getKubernetesSerialization());
    OperatorMetrics metrics = new OperatorMetrics();
    Operator operator =
        new Operator(
            o -> {
              o.withKubernetesClient(client).withCloseClientOnStop(false);
              if (config.leaderElection()) {
                o.withLeaderElectionConfiguration(leaderElection(config, exitOnStopLeading));
              }
            });
    new NodeStateReconciler(metrics).register(operator);
    operator.register(new OrphanStateReconciler(metrics));
    new ProfileReconciler(metrics, clock, config).register(operator);
    operator.register(
        new AgentDaemonSetReconciler(config.agent(), metrics),
        o ->
            o.settingNamespace(config.namespace())
                .withGenericFilter(d -> config.deployment().equals(d.getMetadata().getName())));
    operator.start();
    ProbeServer probes =
        new ProbeServer(
            config.probePort(),
            () -> operator.getRuntimeInfo().allEventSourcesAreHealthy(),
            () -> operator.getRuntimeInfo().isStarted(),
            metrics::scrape);
    return new TcpTuneOperator(operator, probes);
  }

  private static LeaderElectionConfiguration leaderElection(
      OperatorConfig config, boolean exitOnStopLeading) {
    Duration lease = config.leaseDuration();
    return new LeaderElectionConfiguration(
        config.leaseName(),
        config.namespace(),
        lease,
        lease.multipliedBy(2).dividedBy(3),
        lease.dividedBy(5),
        config.identity(),
        null,
        exitOnStopLeading);
  }

  public int probePort() {
    return probes.port();
  }

  @Override
  public void close() {
    probes.close();
    operator.stop();
  }

  /**
   * Lets the client read the operator's own kinds straight into their classes. Unregistered,
   * fabric8 reads each watch event of a TcpNodeState as a GenericKubernetesResource, and the
   * informer then converts it into the class: a second decode and an encode of every event, 9 % of
   * the scale benchmark's JVM during a change at 1,000 nodes.
   */
  static void readsOwnKinds(KubernetesSerialization serialization) {
    serialization.registerKubernetesResource(TcpNodeState.class);
    serialization.registerKubernetesResource(TcpProfile.class);
  }
}
