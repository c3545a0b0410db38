package dev.tcptune.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.tcptune.api.v1alpha1.EffectiveSetting;
import dev.tcptune.api.v1alpha1.TcpNodeState;
import dev.tcptune.api.v1alpha1.TcpProfile;
import dev.tcptune.testing.ControlPlane;
import dev.tcptune.testing.RealApiServer;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The operator, in this JVM, against the real API server; the test plays each node's agent by
 * writing TcpNodeState status. Every test uses its own label key, nodes and profiles.
 */
@RealApiServer
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class OperatorIT {

  static final String NAMESPACE = "tcptune-operator-it";
  static final Duration WAIT = Duration.ofSeconds(30);

  private KubernetesClient client;
  private SimulatedAgent agent;
  private TcpTuneOperator operator;

  @BeforeAll
  void startOperator(KubernetesClient client) throws Exception {
    this.client = client;
    this.agent = new SimulatedAgent(client);
    client
        .namespaces()
        .resource(
            new NamespaceBuilder().withNewMetadata().withName(NAMESPACE).endMetadata().build())
        .serverSideApply();
    operator = start("it-operator");
  }

  TcpTuneOperator start(String identity) throws Exception {
    OperatorConfig config =
        OperatorConfig.fromEnvironment(
            Map.of(
                "TCPTUNE_NAMESPACE", NAMESPACE,
                "POD_NAME", identity,
                "TCPTUNE_LEADER_ELECTION", "false",
                "TCPTUNE_PROBE_PORT", "0",
                "TCPTUNE_RESTORE_TIMEOUT", "PT2M"));
    return TcpTuneOperator.start(client, config, Clock.systemUTC(), false);
  }

  @AfterAll
  void stopOperator() {
    // Profiles go first, while the operator can still release their finalizers.
    List<TcpProfile> left = client.resources(TcpProfile.class).list().getItems();
    for (TcpProfile p : left) {
      client.resource(p).delete();
    }
    try {
      // Play every agent: restore each node whose spec emptied, until every finalizer is released.
      await()
          .atMost(WAIT)
          .ignoreExceptions()
          .untilAsserted(
              () -> {
                for (TcpNodeState s : client.resources(TcpNodeState.class).list().getItems()) {
                  if (s.getSpec().getSettings().isEmpty()
                      && !Long.valueOf(s.getMetadata().getGeneration())
                          .equals(
                              s.getStatus() == null
                                  ? null
                                  : s.getStatus().getObservedGeneration())) {
                    agent.restored(s.getMetadata().getName());
                  }
                }
                assertThat(client.resources(TcpProfile.class).list().getItems()).isEmpty();
              });
    } finally {
      operator.close();
      client.resources(TcpNodeState.class).delete();
      client.nodes().withLabel("it.tcptune.dev/test").delete();
    }
  }

  // --- helpers -------------------------------------------------------------------------------

  Node node(String name, String test, Map<String, String> labels) {
    Map<String, String> all = new java.util.TreeMap<>(labels);
    all.put("it.tcptune.dev/test", test);
    return client
        .nodes()
        .resource(
            new NodeBuilder()
                .withNewMetadata()
                .withName(name)
                .withLabels(all)
                .endMetadata()
                .build())
        .create();
  }

  TcpProfile profile(String yaml) {
    return client.resource(Serialization.unmarshal(yaml, TcpProfile.class)).serverSideApply();
  }

  Optional<TcpNodeState> state(String node) {
    return Optional.ofNullable(client.resources(TcpNodeState.class).withName(node).get());
  }

  Map<String, String> settings(String node) {
    return state(node)
        .orElseThrow(() -> new AssertionError("no TcpNodeState for " + node))
        .getSpec()
        .getSettings()
        .stream()
        .collect(
            Collectors.toMap(EffectiveSetting::getKey, s -> s.getValue() + "@" + s.getProfile()));
  }

  TcpProfile get(String profile) {
    return client.resources(TcpProfile.class).withName(profile).get();
  }

  Condition condition(String profile, String type) {
    return get(profile).getStatus().getConditions().stream()
        .filter(c -> c.getType().equals(type))
        .findFirst()
        .orElseThrow(() -> new AssertionError(profile + " has no " + type + " condition"));
  }

  List<Event> events(String profile) {
    return client.v1().events().inNamespace("default").list().getItems().stream()
        .filter(e -> profile.equals(e.getInvolvedObject().getName()))
        .toList();
  }

  void waitForState(String node) {
    await().atMost(WAIT).until(() -> state(node).isPresent());
  }

  // --- scenarios -----------------------------------------------------------------------------

  @Test
  void appliesToSelectedNodesOnlyAndConvergesOnUpdate() {
    node("sel-1", "sel", Map.of("pool", "sel-web"));
    node("sel-2", "sel", Map.of("pool", "sel-web"));
    node("sel-3", "sel", Map.of("pool", "sel-batch"));
    String yaml =
        """
        apiVersion: tcptune.dev/v1alpha1
        kind: TcpProfile
        metadata: {name: sel-web}
        spec:
          nodeSelector: {matchExpressions: [{key: pool, operator: In, values: [sel-web]}]}
          rollout: {maxUnavailable: "100%%"}
          listenQueue: {somaxconn: %d}
        """;
    profile(yaml.formatted(8192));

    await()
        .atMost(WAIT)
        .untilAsserted(
            () -> {
              assertThat(settings("sel-1")).containsEntry("net.core.somaxconn", "8192@sel-web");
              assertThat(settings("sel-2")).containsEntry("net.core.somaxconn", "8192@sel-web");
            });
    assertThat(state("sel-3")).isEmpty();

    agent.applied("sel-1");
    agent.applied("sel-2");
    await()
        .atMost(WAIT)
        .untilAsserted(
            () -> {
              var status = get("sel-web").getStatus();
              assertThat(status.getMatchedNodes()).isEqualTo(2);
              assertThat(status.getAppliedNodes()).isEqualTo(2);
              assertThat(condition("sel-web", "Ready").getStatus()).isEqualTo("True");
              assertThat(condition("sel-web", "Ready").getReason()).isEqualTo("AllNodesApplied");
              assertThat(status.getObservedGeneration()).isEqualTo(1L);
              // What `explain` derives, for the nodes' kernel: tcp_syn_retries 6 doubling from
              // 1 s (1+2+4+8+16+32, then 64 s for the last), plus timer slack.
              assertThat(status.getTimings().getKernelVersion()).isEqualTo("6.1.0");
              assertThat(status.getTimings().getConnectTimeoutSeconds()).isBetween(127.0, 131.0);
            });
    await()
        .atMost(WAIT)
        .untilAsserted(
            () -> assertThat(events("sel-web")).extracting(Event::getReason).contains("Applied"));

    profile(yaml.formatted(4096));
    await()
        .atMost(WAIT)
        .untilAsserted(
            () -> {
              assertThat(settings("sel-1")).containsEntry("net.core.somaxconn", "4096@sel-web");
              assertThat(settings("sel-2")).containsEntry("net.core.somaxconn", "4096@sel-web");
              assertThat(state("sel-1").orElseThrow().getSpec().getProfileGenerations())
                  .containsEntry("sel-web", 2L);
            });
    agent.applied("sel-1");
    agent.applied("sel-2");
    await()
        .atMost(WAIT)
        .untilAsserted(
            () -> {
              assertThat(get("sel-web").getStatus().getObservedGeneration()).isEqualTo(2L);
              assertThat(condition("sel-web", "Ready").getStatus()).isEqualTo("True");
            });
    assertThat(state("sel-3")).isEmpty();
  }

  @Test
  void higherPriorityWinsAndATieIsAConflict() {
    node("prio-1", "prio", Map.of("prio-role", "edge"));
    profile(
        """
        apiVersion: tcptune.dev/v1alpha1
        kind: TcpProfile
        metadata: {name: prio-high}
        spec:
          priority: 100
          nodeSelector: {matchLabels: {prio-role: edge}}
          listenQueue: {somaxconn: 8192}
        """);
    profile(
        """
        apiVersion: tcptune.dev/v1alpha1
        kind: TcpProfile
        metadata: {name: prio-low}
        spec:
          priority: 10
          nodeSelector: {matchLabels: {prio-role: edge}}
          listenQueue: {somaxconn: 1024, maxSynBacklog: 512}
        """);
    profile(
        """
        apiVersion: tcptune.dev/v1alpha1
        kind: TcpProfile
        metadata: {name: prio-tie-b}
        spec:
          priority: 50
          nodeSelector: {matchLabels: {prio-role: edge}}
          keepalive: {timeSeconds: 900}
        """);
    profile(
        """
        apiVersion: tcptune.dev/v1alpha1
        kind: TcpProfile
        metadata: {name: prio-tie-a}
        spec:
          priority: 50
          nodeSelector: {matchLabels: {prio-role: edge}}
          keepalive: {timeSeconds: 600}
        """);

    await()
        .atMost(WAIT)
        .untilAsserted(
            () ->
                assertThat(settings("prio-1"))
                    .containsEntry("net.core.somaxconn", "8192@prio-high")
                    .containsEntry("net.ipv4.tcp_max_syn_backlog", "512@prio-low")
                    .containsEntry("net.ipv4.tcp_keepalive_time", "600@prio-tie-a"));
    await()
        .atMost(WAIT)
        .untilAsserted(
            () -> {
              for (String p : List.of("prio-tie-a", "prio-tie-b")) {
                Condition conflict = condition(p, "Conflict");
                assertThat(conflict.getStatus()).isEqualTo("True");
                assertThat(conflict.getReason()).isEqualTo("PriorityTie");
                assertThat(conflict.getMessage())
                    .contains("prio-1", "net.ipv4.tcp_keepalive_time", "prio-tie-a", "prio-tie-b");
              }
              assertThat(condition("prio-high", "Conflict").getStatus()).isEqualTo("False");
            });
    await()
        .atMost(WAIT)
        .untilAsserted(
            () ->
                assertThat(events("prio-tie-b")).extracting(Event::getReason).contains("Conflict"));
  }

  @Test
  void nodeRelabeledOutIsEmptiedThenDeletedAfterRestoreAndNewNodeJoins() {
    node("move-1", "move", Map.of("move-pool", "in"));
    profile(
        """
        apiVersion: tcptune.dev/v1alpha1
        kind: TcpProfile
        metadata: {name: move}
        spec:
          nodeSelector: {matchExpressions: [{key: move-pool, operator: NotIn, values: [out]}, {key: move-pool, operator: Exists}]}
          rollout: {maxUnavailable: "100%"}
          retries: {syn: 3}
        """);
    await()
        .atMost(WAIT)
        .untilAsserted(
            () -> assertThat(settings("move-1")).containsKey("net.ipv4.tcp_syn_retries"));
    agent.applied("move-1");

    client
        .nodes()
        .withName("move-1")
        .edit(
            n -> {
              n.getMetadata().getLabels().put("move-pool", "out");
              return n;
            });
    await().atMost(WAIT).untilAsserted(() -> assertThat(settings("move-1")).isEmpty());
    assertThat(state("move-1").orElseThrow().getSpec().getProfiles()).isEmpty();

    agent.restored("move-1");
    await().atMost(WAIT).until(() -> state("move-1").isEmpty());

    node("move-2", "move", Map.of("move-pool", "in"));
    await()
        .atMost(WAIT)
        .untilAsserted(
            () ->
                assertThat(settings("move-2")).containsEntry("net.ipv4.tcp_syn_retries", "3@move"));
    assertThat(state("move-1")).isEmpty();
  }

  @Test
  void deletedProfileWaitsForEveryNodeToRestore() {
    node("del-1", "del", Map.of("del-pool", "x"));
    node("del-2", "del", Map.of("del-pool", "x"));
    profile(
        """
        apiVersion: tcptune.dev/v1alpha1
        kind: TcpProfile
        metadata: {name: del}
        spec:
          nodeSelector: {matchLabels: {del-pool: x}}
          rollout: {maxUnavailable: 2}
          timeWait: {finTimeoutSeconds: 30}
        """);
    waitForState("del-1");
    waitForState("del-2");
    agent.applied("del-1");
    agent.applied("del-2");
    await()
        .atMost(WAIT)
        .untilAsserted(
            () ->
                assertThat(get("del").getMetadata().getFinalizers())
                    .contains(ProfileReconciler.FINALIZER));

    client.resources(TcpProfile.class).withName("del").delete();
    await()
        .atMost(WAIT)
        .untilAsserted(
            () -> {
              assertThat(settings("del-1")).isEmpty();
              assertThat(settings("del-2")).isEmpty();
            });
    agent.restored("del-1");
    await()
        .atMost(WAIT)
        .untilAsserted(
            () -> {
              Condition progressing = condition("del", "Progressing");
              assertThat(progressing.getReason()).isEqualTo("Restoring");
              assertThat(progressing.getMessage()).contains("del-2").doesNotContain("del-1");
            });
    assertThat(get("del")).as("held by its finalizer while del-2 has not restored").isNotNull();

    agent.restored("del-2");
    await().atMost(WAIT).until(() -> get("del") == null);
    await().atMost(WAIT).until(() -> state("del-1").isEmpty() && state("del-2").isEmpty());
  }

  @Test
  void failingNodePausesRolloutAndANewGenerationContinues() {
    for (String n : List.of("roll-1", "roll-2", "roll-3")) {
      node(n, "roll", Map.of("roll-pool", "y"));
    }
    String yaml =
        """
        apiVersion: tcptune.dev/v1alpha1
        kind: TcpProfile
        metadata: {name: roll}
        spec:
          nodeSelector: {matchLabels: {roll-pool: y}}
          keepalive: {probes: %d}
        """;
    profile(yaml.formatted(5));
    waitForState("roll-1");
    assertThat(state("roll-2")).as("one node at a time by default").isEmpty();

    agent.applied("roll-1");
    waitForState("roll-2");
    agent.failed("roll-2", "write refused: Permission denied");
    await()
        .atMost(WAIT)
        .untilAsserted(
            () -> {
              Condition progressing = condition("roll", "Progressing");
              assertThat(progressing.getReason()).isEqualTo("RolloutPaused");
              assertThat(progressing.getMessage()).contains("roll-2", "Permission denied");
              assertThat(get("roll").getStatus().getRollout().getPaused()).isTrue();
              assertThat(get("roll").getStatus().getFailedNodes()).isEqualTo(1);
              assertThat(events("roll")).extracting(Event::getReason).contains("Paused", "Failed");
            });
    assertThat(state("roll-3")).as("not touched while paused").isEmpty();
    assertThat(settings("roll-1")).containsEntry("net.ipv4.tcp_keepalive_probes", "5@roll");

    profile(yaml.formatted(6));
    await()
        .atMost(WAIT)
        .untilAsserted(
            () -> {
              assertThat(settings("roll-1"))
                  .containsEntry("net.ipv4.tcp_keepalive_probes", "6@roll");
              assertThat(condition("roll", "Progressing").getReason()).isEqualTo("RollingOut");
            });
  }

  @Test
  void stagedRolloutMovesOnWhenTheChangingNodeLeavesTheSelectionOrTheCluster() {
    for (String n : List.of("leave-1", "leave-2", "leave-3")) {
      node(n, "leave", Map.of("leave-pool", "y"));
    }
    profile(
        """
        apiVersion: tcptune.dev/v1alpha1
        kind: TcpProfile
        metadata: {name: leave}
        spec:
          nodeSelector: {matchLabels: {leave-pool: y}}
          keepalive: {probes: 7}
        """);
    waitForState("leave-1");
    assertThat(state("leave-2")).as("one node at a time by default").isEmpty();

    // The changing node is relabelled out before its agent reports: its slot goes to the next.
    client
        .nodes()
        .withName("leave-1")
        .edit(
            n -> {
              n.getMetadata().getLabels().remove("leave-pool");
              return n;
            });
    waitForState("leave-2");
    assertThat(settings("leave-2")).containsEntry("net.ipv4.tcp_keepalive_probes", "7@leave");
    assertThat(state("leave-3")).isEmpty();

    // The changing node disappears from the cluster: its slot goes to the next.
    client.nodes().withName("leave-2").delete();
    waitForState("leave-3");
    assertThat(settings("leave-3")).containsEntry("net.ipv4.tcp_keepalive_probes", "7@leave");
    await().atMost(WAIT).until(() -> state("leave-2").isEmpty());
  }

  @Test
  void invalidProfileGetsInvalidConditionAndNothingApplied(ControlPlane controlPlane)
      throws Exception {
    node("bad-1", "bad", Map.of("bad-pool", "z"));
    // The complete CRD refuses this profile at admission (TcpProfileAdmissionIT); the operator
    // must refuse it too where the CRD was installed without its rules.
    controlPlane.withoutSpecSchema(
        "tcpprofiles.tcptune.dev",
        () ->
            profile(
                """
                apiVersion: tcptune.dev/v1alpha1
                kind: TcpProfile
                metadata: {name: bad-rollout}
                spec:
                  nodeSelector: {matchLabels: {bad-pool: z}}
                  rollout: {maxUnavailable: "150%"}
                  listenQueue: {somaxconn: 8192}
                """));
    await()
        .atMost(WAIT)
        .untilAsserted(
            () -> {
              Condition invalid = condition("bad-rollout", "Invalid");
              assertThat(invalid.getStatus()).isEqualTo("True");
              assertThat(invalid.getMessage()).contains("spec.rollout.maxUnavailable", "150%");
            });
    assertThat(state("bad-1")).isEmpty();
  }

  @Test
  void deletedNodeLosesItsState() {
    node("gone-1", "gone", Map.of("gone-pool", "g"));
    profile(
        """
        apiVersion: tcptune.dev/v1alpha1
        kind: TcpProfile
        metadata: {name: gone}
        spec:
          nodeSelector: {matchLabels: {gone-pool: g}}
          retries: {synAck: 3}
        """);
    waitForState("gone-1");
    client.nodes().withName("gone-1").delete();
    await().atMost(WAIT).until(() -> state("gone-1").isEmpty());
  }

  @Test
  void ownsTheAgentDaemonSet() throws Exception {
    Deployment deployment =
        client
            .apps()
            .deployments()
            .inNamespace(NAMESPACE)
            .resource(
                new DeploymentBuilder()
                    .withNewMetadata()
                    .withName("tcptune-operator")
                    .withNamespace(NAMESPACE)
                    .endMetadata()
                    .withNewSpec()
                    .withNewSelector()
                    .withMatchLabels(Map.of("app", "tcptune-operator"))
                    .endSelector()
                    .withNewTemplate()
                    .withNewMetadata()
                    .withLabels(Map.of("app", "tcptune-operator"))
                    .endMetadata()
                    .withNewSpec()
                    .addNewContainer()
                    .withName("operator")
                    .withImage("tcptune:test")
                    .endContainer()
                    .endSpec()
                    .endTemplate()
                    .endSpec()
                    .build())
            .create();
    try {
      var daemonSets = client.apps().daemonSets().inNamespace(NAMESPACE).withName("tcptune-agent");
      await().atMost(WAIT).until(() -> daemonSets.get() != null);
      DaemonSet ds = daemonSets.get();
      assertThat(ds.getMetadata().getOwnerReferences())
          .extracting(o -> o.getKind() + "/" + o.getName())
          .containsExactly("Deployment/tcptune-operator");
      var pod = ds.getSpec().getTemplate().getSpec();
      var container = pod.getContainers().get(0);
      assertThat(container.getImage()).isEqualTo("ghcr.io/tcptune/tcptune:latest");
      assertThat(container.getArgs()).containsExactly("agent");
      assertThat(pod.getHostNetwork()).isTrue();
      assertThat(pod.getTolerations()).extracting(t -> t.getOperator()).containsExactly("Exists");
      assertThat(pod.getNodeSelector()).containsEntry("kubernetes.io/os", "linux");
      assertThat(container.getResources().getLimits().get("memory").toString()).isEqualTo("128Mi");
      assertThat(container.getEnv())
          .extracting(e -> e.getName() + "=" + e.getValue())
          .contains(
              "TCPTUNE_CHECK_INTERVAL=30s", "TCPTUNE_STATS_INTERVAL=60s", "MALLOC_ARENA_MAX=2")
          .anyMatch(e -> e.startsWith("JAVA_TOOL_OPTIONS=-XX:+UseSerialGC"));

      // Changed by hand: put back.
      daemonSets.edit(
          d -> {
            d.getSpec().getTemplate().getSpec().getContainers().get(0).setImage("evil:latest");
            return d;
          });
      client
          .apps()
          .deployments()
          .inNamespace(NAMESPACE)
          .withName("tcptune-operator")
          .edit(
              d -> {
                d.getMetadata().setLabels(Map.of("touched", "yes"));
                return d;
              });
      await()
          .atMost(WAIT)
          .untilAsserted(
              () ->
                  assertThat(
                          daemonSets
                              .get()
                              .getSpec()
                              .getTemplate()
                              .getSpec()
                              .getContainers()
                              .get(0)
                              .getImage())
                      .isEqualTo("ghcr.io/tcptune/tcptune:latest"));
      // Unchanged: not written again.
      String version = daemonSets.get().getMetadata().getResourceVersion();
      double reconciles = operatorReconciled("agent-daemonset");
      client
          .apps()
          .deployments()
          .inNamespace(NAMESPACE)
          .withName("tcptune-operator")
          .edit(
              d -> {
                d.getMetadata().setLabels(Map.of("touched", "again"));
                return d;
              });
      await().atMost(WAIT).until(() -> operatorReconciled("agent-daemonset") > reconciles);
      assertThat(daemonSets.get().getMetadata().getResourceVersion()).isEqualTo(version);
    } finally {
      client.resource(deployment).delete();
      client.apps().daemonSets().inNamespace(NAMESPACE).withName("tcptune-agent").delete();
    }
  }

  double operatorReconciled(String controller) throws Exception {
    return OperatorReplicasIT.metric(
        operator, "tcptune_reconcile_seconds_count", "controller=\"" + controller + "\"");
  }
}
