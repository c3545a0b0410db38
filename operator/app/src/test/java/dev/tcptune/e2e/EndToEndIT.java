package dev.tcptune.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.tcptune.agent.AgentNode;
import dev.tcptune.api.v1alpha1.TcpNodeState;
import dev.tcptune.api.v1alpha1.TcpProfile;
import dev.tcptune.kernel.testing.TestNetns;
import dev.tcptune.operator.OperatorConfig;
import dev.tcptune.operator.TcpTuneOperator;
import dev.tcptune.testing.ControlPlane;
import dev.tcptune.testing.RealApiServer;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.awaitility.core.ThrowingRunnable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole system as a user runs it: the real API server, the operator, and one real agent process
 * per node, each node a Node object plus a network namespace of its own. Two nodes are in pool
 * {@code web}, the third in pool {@code batch}. Root only: {@link TestNetns} skips elsewhere (and
 * fails in CI).
 */
@Tag("kernel")
@RealApiServer
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class EndToEndIT {

  private static final String NAMESPACE = "tcptune-e2e";
  private static final String TEST_LABEL = "it.tcptune.dev/test";
  private static final String POOL = "e2e-pool";
  private static final String SOMAXCONN = "net.core.somaxconn";
  private static final String KEEPALIVE_TIME = "net.ipv4.tcp_keepalive_time";
  private static final List<String> KEYS = List.of(SOMAXCONN, KEEPALIVE_TIME);

  /** What the Enforce profiles set; both differ from a fresh namespace's defaults. */
  private static final Map<String, String> TUNED = Map.of(SOMAXCONN, "8192", KEEPALIVE_TIME, "60");

  /** Check interval of the agents; drift must be corrected within it. */
  private static final Duration CHECK = Duration.ofSeconds(1);

  /** One check interval, plus the check itself and polling on a busy 2-core machine. */
  private static final Duration WITHIN_ONE_CHECK = CHECK.plusSeconds(4);

  /** Time for three agent JVMs to start, connect and apply on a busy machine. */
  private static final Duration START = Duration.ofSeconds(120);

  private static final Duration WAIT = Duration.ofSeconds(60);

  @RegisterExtension final TestNetns web1Netns = new TestNetns();
  @RegisterExtension final TestNetns web2Netns = new TestNetns();
  @RegisterExtension final TestNetns batchNetns = new TestNetns();
  @TempDir Path dir;

  private KubernetesClient client;
  private TcpTuneOperator operator;
  private AgentNode web1;
  private AgentNode web2;
  private AgentNode batch;
  private final List<AgentNode> nodes = new ArrayList<>();
  private final Map<AgentNode, Map<String, String>> before = new LinkedHashMap<>();

  @BeforeAll
  void startOperator(KubernetesClient client) throws Exception {
    this.client = client;
    client
        .namespaces()
        .resource(
            new NamespaceBuilder().withNewMetadata().withName(NAMESPACE).endMetadata().build())
        .serverSideApply();
    operator =
        TcpTuneOperator.start(
            client,
            OperatorConfig.fromEnvironment(
                Map.of(
                    "TCPTUNE_NAMESPACE", NAMESPACE,
                    "POD_NAME", "e2e-operator",
                    "TCPTUNE_LEADER_ELECTION", "false",
                    "TCPTUNE_PROBE_PORT", "0",
                    "TCPTUNE_RESTORE_TIMEOUT", "PT2M")),
            Clock.systemUTC(),
            false);
  }

  @AfterAll
  void stopOperator() {
    if (operator != null) {
      operator.close();
    }
  }

  @BeforeEach
  void startNodes(ControlPlane controlPlane) throws Exception {
    web1 = node(web1Netns, controlPlane, "web");
    web2 = node(web2Netns, controlPlane, "web");
    batch = node(batchNetns, controlPlane, "batch");
    for (AgentNode node : nodes) {
      node.startAgent("--check-interval", "1s");
    }
  }

  private AgentNode node(TestNetns netns, ControlPlane controlPlane, String pool) throws Exception {
    Path nodeDir = Files.createDirectories(dir.resolve(netns.name()));
    AgentNode node = new AgentNode(netns, controlPlane, nodeDir);
    nodes.add(node);
    before.put(node, values(node));
    client
        .nodes()
        .resource(
            new NodeBuilder()
                .withNewMetadata()
                .withName(node.name())
                .withLabels(Map.of(TEST_LABEL, "e2e", POOL, pool))
                .endMetadata()
                .build())
        .create();
    return node;
  }

  /**
   * Profiles go first, while the agents run and can restore and the operator can release the
   * finalizers; then the Node objects, the agents and their states. The namespaces go last, with
   * the {@link TestNetns} extensions.
   */
  @AfterEach
  void stopNodes() throws Exception {
    try {
      client.resources(TcpProfile.class).withLabel(TEST_LABEL, "e2e").delete();
      try {
        await("profiles released by the operator")
            .atMost(WAIT)
            .until(
                () ->
                    client
                        .resources(TcpProfile.class)
                        .withLabel(TEST_LABEL, "e2e")
                        .list()
                        .getItems()
                        .isEmpty());
      } finally {
        // After a failure the finalizer may never be released: drop it, the namespaces go anyway.
        for (TcpProfile p :
            client.resources(TcpProfile.class).withLabel(TEST_LABEL, "e2e").list().getItems()) {
          client
              .resources(TcpProfile.class)
              .withName(p.getMetadata().getName())
              .edit(
                  x -> {
                    x.getMetadata().setFinalizers(List.of());
                    return x;
                  });
        }
      }
    } finally {
      client.nodes().withLabel(TEST_LABEL, "e2e").delete();
      for (AgentNode node : nodes) {
        node.close();
      }
      nodes.clear();
      before.clear();
    }
  }

  // --- scenarios -----------------------------------------------------------------------------

  @Test
  void enforcedProfileIsAppliedToTheSelectedNodesOnly() throws Exception {
    profile(
        "e2e-apply", "Enforce", "listenQueue: {somaxconn: 8192}", "keepalive: {timeSeconds: 60}");

    awaitApplied("e2e-apply", web1, web2);
    for (AgentNode node : List.of(web1, web2)) {
      assertThat(values(node)).as(node.name()).isEqualTo(TUNED);
    }
    assertThat(batch.state()).as("no TcpNodeState for the unselected node").isNull();
    assertThat(values(batch)).as("unselected node untouched").isEqualTo(before.get(batch));
  }

  @Test
  void driftIsCorrectedInEnforceAndOnlyReportedInAudit() throws Exception {
    // Another writer already set the audited value on both web nodes: Audit finds them in sync.
    web1.sysctlWrite(KEEPALIVE_TIME, "60");
    web2.sysctlWrite(KEEPALIVE_TIME, "60");
    profile("e2e-enforce", "Enforce", "listenQueue: {somaxconn: 8192}");
    profile("e2e-audit", "Audit", "keepalive: {timeSeconds: 60}");
    awaitApplied("e2e-enforce", web1, web2);
    awaitAsserted(
        WAIT,
        () -> {
          assertThat(condition("e2e-audit", "Ready").getStatus()).isEqualTo("True");
          assertThat(condition("e2e-audit", "Drifted").getStatus()).isEqualTo("False");
        });

    web1.sysctlWrite(SOMAXCONN, "1024");
    awaitAsserted(WITHIN_ONE_CHECK, () -> assertThat(web1.sysctl(SOMAXCONN)).isEqualTo("8192"));

    web2.sysctlWrite(KEEPALIVE_TIME, "120");
    awaitAsserted(
        WAIT,
        () -> {
          Condition drifted = condition("e2e-audit", "Drifted");
          assertThat(drifted.getStatus()).isEqualTo("True");
          assertThat(drifted.getMessage()).contains(web2.name()).doesNotContain(web1.name());
          assertThat(get("e2e-audit").getStatus().getDriftedNodes()).isEqualTo(1);
        });
    assertThat(web2.sysctl(KEEPALIVE_TIME)).as("Audit never writes").isEqualTo("120");
    assertThat(condition("e2e-enforce", "Drifted").getStatus()).isEqualTo("False");
    assertThat(values(batch)).as("unselected node untouched").isEqualTo(before.get(batch));
  }

  @Test
  void deletedProfileRestoresOriginalsAndIsReleased() throws Exception {
    profile(
        "e2e-delete", "Enforce", "listenQueue: {somaxconn: 8192}", "keepalive: {timeSeconds: 60}");
    awaitApplied("e2e-delete", web1, web2);
    assertThat(values(web1)).isEqualTo(TUNED);
    assertThat(values(web2)).isEqualTo(TUNED);

    client.resources(TcpProfile.class).withName("e2e-delete").delete();

    awaitAsserted(
        WAIT,
        () -> {
          for (AgentNode node : nodes) {
            assertThat(values(node)).as(node.name()).isEqualTo(before.get(node));
          }
          assertThat(get("e2e-delete")).as("finalizer released").isNull();
        });
  }

  @Test
  void nodeRelabeledOutIsRestoredAndLosesItsState() throws Exception {
    profile(
        "e2e-relabel", "Enforce", "listenQueue: {somaxconn: 8192}", "keepalive: {timeSeconds: 60}");
    awaitApplied("e2e-relabel", web1, web2);
    assertThat(values(web1)).isEqualTo(TUNED);
    assertThat(values(web2)).isEqualTo(TUNED);

    client
        .nodes()
        .withName(web2.name())
        .edit(
            n -> {
              n.getMetadata().getLabels().put(POOL, "batch");
              return n;
            });

    awaitAsserted(
        WAIT,
        () -> {
          assertThat(values(web2)).isEqualTo(before.get(web2));
          assertThat(web2.state()).as("state of the relabeled node").isNull();
          assertThat(get("e2e-relabel").getStatus().getMatchedNodes()).isEqualTo(1);
          assertThat(get("e2e-relabel").getStatus().getAppliedNodes()).isEqualTo(1);
        });
    assertThat(values(web1)).as("still selected").isEqualTo(TUNED);
  }

  // --- helpers -------------------------------------------------------------------------------

  private void profile(String name, String mode, String... tuning) {
    String yaml =
        """
        apiVersion: tcptune.dev/v1alpha1
        kind: TcpProfile
        metadata: {name: %s, labels: {%s: e2e}}
        spec:
          mode: %s
          nodeSelector: {matchLabels: {%s: web}}
          rollout: {maxUnavailable: "100%%"}
          %s
        """
            .formatted(name, TEST_LABEL, mode, POOL, String.join("\n  ", tuning));
    client.resource(Serialization.unmarshal(yaml, TcpProfile.class)).serverSideApply();
  }

  /** Both nodes report Applied, and the profile counts them and is Ready. */
  private void awaitApplied(String profile, AgentNode... selected) {
    awaitAsserted(
        START,
        () -> {
          for (AgentNode node : selected) {
            TcpNodeState state = node.state();
            assertThat(state).as(node.name()).isNotNull();
            assertThat(state.getStatus()).as(node.name()).isNotNull();
            assertThat(nodeCondition(state, "Applied").getStatus())
                .as(node.name())
                .isEqualTo("True");
          }
          var status = get(profile).getStatus();
          assertThat(status.getMatchedNodes()).isEqualTo(selected.length);
          assertThat(status.getAppliedNodes()).isEqualTo(selected.length);
          assertThat(condition(profile, "Ready").getStatus()).isEqualTo("True");
        });
  }

  private void awaitAsserted(Duration within, ThrowingRunnable assertion) {
    try {
      await()
          .atMost(within)
          .pollInterval(Duration.ofMillis(200))
          .ignoreExceptions()
          .untilAsserted(assertion);
    } catch (AssertionError | RuntimeException e) {
      StringBuilder context = new StringBuilder(String.valueOf(e.getMessage()));
      for (TcpProfile p : client.resources(TcpProfile.class).list().getItems()) {
        context.append("\n").append(Serialization.asYaml(p));
      }
      for (AgentNode node : nodes) {
        context
            .append("\n")
            .append(node.name())
            .append(": ")
            .append(Serialization.asYaml(node.state()));
        context.append(node.logs());
      }
      throw new AssertionError(context.toString(), e);
    }
  }

  private TcpProfile get(String profile) {
    return client.resources(TcpProfile.class).withName(profile).get();
  }

  private Condition condition(String profile, String type) {
    return find(get(profile).getStatus().getConditions(), type)
        .orElseThrow(() -> new AssertionError(profile + " has no " + type + " condition"));
  }

  private static Condition nodeCondition(TcpNodeState state, String type) {
    return find(state.getStatus().getConditions(), type)
        .orElseThrow(() -> new AssertionError("no condition " + type));
  }

  private static Optional<Condition> find(List<Condition> conditions, String type) {
    return conditions.stream().filter(c -> type.equals(c.getType())).findFirst();
  }

  private static Map<String, String> values(AgentNode node) {
    Map<String, String> values = new LinkedHashMap<>();
    for (String key : KEYS) {
      values.put(key, node.sysctl(key));
    }
    return values;
  }
}
