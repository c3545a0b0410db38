package dev.tcptune.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.tcptune.api.v1alpha1.TcpNodeState;
import dev.tcptune.api.v1alpha1.TcpProfile;
import dev.tcptune.testing.RealApiServer;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Operator processes coming and going: a restarted operator writes nothing for unchanged state, and
 * of two leader-elected replicas only the Lease holder reconciles until it stops.
 */
@RealApiServer
class OperatorReplicasIT {

  static final String NAMESPACE = "tcptune-replicas-it";
  static final String LEASE = "tcptune-operator";
  static final Duration WAIT = Duration.ofSeconds(45);

  private final KubernetesClient client;
  private final SimulatedAgent agent;

  /** One client per replica, as each operator pod has its own; closed after each test. */
  private final List<KubernetesClient> replicaClients = new ArrayList<>();

  OperatorReplicasIT(KubernetesClient client) {
    this.client = client;
    this.agent = new SimulatedAgent(client);
  }

  @BeforeEach
  void namespace() {
    client
        .namespaces()
        .resource(
            new NamespaceBuilder().withNewMetadata().withName(NAMESPACE).endMetadata().build())
        .serverSideApply();
  }

  @AfterEach
  void cleanUp() throws Exception {
    try (TcpTuneOperator operator = start("cleanup")) {
      client.resources(TcpProfile.class).delete();
      await()
          .atMost(WAIT)
          .ignoreExceptions()
          .untilAsserted(
              () -> {
                for (TcpNodeState s : client.resources(TcpNodeState.class).list().getItems()) {
                  if (s.getSpec().getSettings().isEmpty()) {
                    agent.restored(s.getMetadata().getName());
                  }
                }
                assertThat(client.resources(TcpProfile.class).list().getItems()).isEmpty();
              });
    }
    client.resources(TcpNodeState.class).delete();
    client.nodes().withLabel("it.tcptune.dev/test").delete();
    client.leases().inNamespace(NAMESPACE).withName(LEASE).delete();
    replicaClients.forEach(KubernetesClient::close);
    replicaClients.clear();
  }

  TcpTuneOperator start(String identity) throws Exception {
    OperatorConfig config =
        OperatorConfig.fromEnvironment(
            Map.of(
                "TCPTUNE_NAMESPACE", NAMESPACE,
                "POD_NAME", identity,
                "TCPTUNE_LEASE_NAME", LEASE,
                "TCPTUNE_LEASE_DURATION", "PT4S",
                "TCPTUNE_PROBE_PORT", "0"));
    KubernetesClient own =
        new KubernetesClientBuilder().withConfig(client.getConfiguration()).build();
    replicaClients.add(own);
    return TcpTuneOperator.start(own, config, Clock.systemUTC(), false);
  }

  void node(String name, String pool) {
    client
        .nodes()
        .resource(
            new NodeBuilder()
                .withNewMetadata()
                .withName(name)
                .withLabels(Map.of("it.tcptune.dev/test", "replicas", "replicas-pool", pool))
                .endMetadata()
                .build())
        .create();
  }

  void profile(String name, String pool) {
    client
        .resource(
            Serialization.unmarshal(
                """
                apiVersion: tcptune.dev/v1alpha1
                kind: TcpProfile
                metadata: {name: %s}
                spec:
                  nodeSelector: {matchLabels: {replicas-pool: %s}}
                  rollout: {maxUnavailable: "100%%"}
                  listenQueue: {somaxconn: 2048}
                """
                    .formatted(name, pool),
                TcpProfile.class))
        .serverSideApply();
  }

  Optional<TcpNodeState> state(String node) {
    return Optional.ofNullable(client.resources(TcpNodeState.class).withName(node).get());
  }

  String resourceVersion(String kind, String name) {
    return (kind.equals("state")
            ? client.resources(TcpNodeState.class).withName(name).get()
            : client.resources(TcpProfile.class).withName(name).get())
        .getMetadata()
        .getResourceVersion();
  }

  static double metric(TcpTuneOperator operator, String name, String labels) throws Exception {
    HttpResponse<String> response =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + operator.probePort() + "/metrics"))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
    Matcher m =
        Pattern.compile(
                "(?m)^"
                    + Pattern.quote(name)
                    + "\\{?"
                    + Pattern.quote(labels)
                    + ".*? ([0-9.E+-]+)$")
            .matcher(response.body());
    return m.find() ? Double.parseDouble(m.group(1)) : 0;
  }

  String leaseHolder() {
    Lease lease = client.leases().inNamespace(NAMESPACE).withName(LEASE).get();
    return lease == null ? null : lease.getSpec().getHolderIdentity();
  }

  @Test
  void restartedOperatorWritesNothingForUnchangedState() throws Exception {
    node("restart-1", "restart");
    node("restart-2", "restart");
    try (TcpTuneOperator first = start("first")) {
      profile("restart", "restart");
      await()
          .atMost(WAIT)
          .until(() -> state("restart-1").isPresent() && state("restart-2").isPresent());
      agent.applied("restart-1");
      agent.applied("restart-2");
      await()
          .atMost(WAIT)
          .until(
              () ->
                  client
                          .resources(TcpProfile.class)
                          .withName("restart")
                          .get()
                          .getStatus()
                          .getAppliedNodes()
                      == 2);
    }
    String profileVersion = resourceVersion("profile", "restart");
    String state1 = resourceVersion("state", "restart-1");
    String state2 = resourceVersion("state", "restart-2");

    try (TcpTuneOperator second = start("second")) {
      // It has looked at everything: both nodes and the profile were reconciled ...
      await()
          .atMost(WAIT)
          .untilAsserted(
              () -> {
                assertThat(
                        metric(
                            second, "tcptune_reconcile_seconds_count", "controller=\"node-state\""))
                    .isGreaterThanOrEqualTo(2);
                assertThat(
                        metric(
                            second,
                            "tcptune_reconcile_seconds_count",
                            "controller=\"profile-status\""))
                    .isGreaterThanOrEqualTo(1);
              });
      // ... and written nothing.
      assertThat(metric(second, "tcptune_node_state_writes_total", "")).isZero();
      assertThat(metric(second, "tcptune_profile_status_writes_total", "")).isZero();
      assertThat(resourceVersion("profile", "restart")).isEqualTo(profileVersion);
      assertThat(resourceVersion("state", "restart-1")).isEqualTo(state1);
      assertThat(resourceVersion("state", "restart-2")).isEqualTo(state2);

      // Work continues: a new node of the pool gets its state from the restarted operator.
      node("restart-3", "restart");
      await().atMost(WAIT).until(() -> state("restart-3").isPresent());
    }
  }

  @Test
  void secondReplicaTakesOverWhenTheLeaderStops() throws Exception {
    node("leader-1", "leader");
    TcpTuneOperator first = start("replica-a");
    try (TcpTuneOperator second = start("replica-b")) {
      try {
        await().atMost(WAIT).until(() -> "replica-a".equals(leaseHolder()));
        profile("leader", "leader");
        await().atMost(WAIT).until(() -> state("leader-1").isPresent());
        assertThat(metric(second, "tcptune_reconcile_seconds_count", "controller=\"node-state\""))
            .as("the follower reconciles nothing")
            .isZero();
      } finally {
        first.close();
      }
      await().atMost(WAIT).until(() -> "replica-b".equals(leaseHolder()));
      node("leader-2", "leader");
      await().atMost(WAIT).until(() -> state("leader-2").isPresent());
      assertThat(metric(second, "tcptune_reconcile_seconds_count", "controller=\"node-state\""))
          .isPositive();
    }
  }
}
