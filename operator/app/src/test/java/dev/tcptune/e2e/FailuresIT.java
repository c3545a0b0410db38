package dev.tcptune.e2e;

import static dev.tcptune.e2e.E2eCluster.KEEPALIVE_TIME;
import static dev.tcptune.e2e.E2eCluster.SOMAXCONN;
import static dev.tcptune.e2e.E2eCluster.START;
import static dev.tcptune.e2e.E2eCluster.WAIT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.tcptune.agent.AgentNode;
import dev.tcptune.api.v1alpha1.TcpNodeState;
import dev.tcptune.api.v1alpha1.TcpProfile;
import dev.tcptune.kernel.testing.TestNetns;
import dev.tcptune.testing.ControlPlane;
import dev.tcptune.testing.RealApiServer;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * End to end, when something breaks: a node that cannot take a profile, an agent killed while it
 * applies, operator replicas killed with SIGKILL, a profile deleted while a node's agent is down.
 * The operator runs as processes ({@code java -jar tcptune.jar operator}) with the agents as in
 * {@link EndToEndIT}. Root only.
 */
@Tag("kernel")
@RealApiServer
class FailuresIT {

  private static final String PROFILE = "failures";
  private static final String POOL = "fail";

  /** Short, so that a killed leader's Lease runs out quickly (the minimum is 3 s). */
  private static final String LEASE_DURATION = "PT4S";

  /** How long "nothing is written" must hold after an operator took over. */
  private static final Duration QUIET = Duration.ofSeconds(8);

  @RegisterExtension final TestNetns netns1 = new TestNetns();
  @RegisterExtension final TestNetns netns2 = new TestNetns();
  @RegisterExtension final TestNetns netns3 = new TestNetns();
  @TempDir Path dir;

  private KubernetesClient client;
  private ControlPlane controlPlane;
  private E2eCluster cluster;
  private final List<OperatorProcess> operators = new ArrayList<>();

  @BeforeEach
  void setUp(KubernetesClient client, ControlPlane controlPlane) {
    this.client = client;
    this.controlPlane = controlPlane;
    cluster = E2eCluster.withoutOperator(client, controlPlane, "e2e-failures");
  }

  @AfterEach
  void tearDown() throws Exception {
    try {
      // Profiles are released by a running operator once the nodes restored.
      if (operators.stream().noneMatch(OperatorProcess::alive)) {
        operator("cleanup", Map.of("TCPTUNE_LEADER_ELECTION", "false"));
      }
      cluster.close();
    } finally {
      for (OperatorProcess operator : operators) {
        operator.close();
      }
      client.leases().inNamespace(E2eCluster.NAMESPACE).withName(OperatorProcess.LEASE).delete();
    }
  }

  @Test
  void killedOperatorsWriteNothingForUnchangedStateAndTheWorkGoesOn() throws Exception {
    AgentNode n1 = node(netns1);
    AgentNode n2 = node(netns2);
    E2eCluster.startAgent(n1);
    E2eCluster.startAgent(n2);
    OperatorProcess first = replica("op-a");
    awaitLeader(first);
    OperatorProcess second = replica("op-b");
    profile(SOMAXCONN, "8192");
    cluster.awaitApplied(PROFILE, n1, n2);

    // The leader dies: the other replica takes the Lease once it runs out, and writes nothing,
    // since nothing changed.
    first.kill();
    awaitLeader(second);
    assertNothingWritten(second, n1, n2);
    // ... and it carries on: a change made now reaches every node.
    profile(SOMAXCONN, "4096");
    cluster.awaitApplied(PROFILE, n1, n2);
    assertThat(E2eCluster.values(n1, List.of(SOMAXCONN))).containsEntry(SOMAXCONN, "4096");

    // The second dies too; the first replica's pod is restarted with the same name.
    second.kill();
    OperatorProcess restarted = replica("op-a");
    awaitLeader(restarted);
    assertNothingWritten(restarted, n1, n2);
    profile(SOMAXCONN, "2048");
    cluster.awaitApplied(PROFILE, n1, n2);
    assertThat(E2eCluster.values(n1, List.of(SOMAXCONN))).containsEntry(SOMAXCONN, "2048");
    assertThat(E2eCluster.values(n2, List.of(SOMAXCONN))).containsEntry(SOMAXCONN, "2048");
  }

  @Test
  void aNodeThatFailsPausesTheRolloutAndAFixedProfileContinuesIt() throws Exception {
    List<AgentNode> nodes = new ArrayList<>(List.of(node(netns1), node(netns2), node(netns3)));
    // The rollout takes nodes in name order: the first one's kernel lacks somaxconn.
    nodes.sort(Comparator.comparing(AgentNode::name));
    AgentNode failing = nodes.get(0);
    failing.hideSysctlDirectory("net/core");
    for (AgentNode node : nodes) {
      E2eCluster.startAgent(node);
    }
    operator("single", Map.of("TCPTUNE_LEADER_ELECTION", "false"));

    cluster.profile(
        PROFILE, selector(), "rollout: {maxUnavailable: 1}", "listenQueue: {somaxconn: 8192}");

    cluster.awaitAsserted(
        START,
        () -> {
          var progressing = cluster.condition(PROFILE, "Progressing");
          assertThat(progressing.getReason()).isEqualTo("RolloutPaused");
          assertThat(progressing.getMessage()).contains(failing.name()).contains(SOMAXCONN);
          var degraded = cluster.condition(PROFILE, "Degraded");
          assertThat(degraded.getStatus()).isEqualTo("True");
          assertThat(degraded.getMessage()).contains(failing.name());
          assertThat(cluster.events(PROFILE))
              .filteredOn(e -> "Paused".equals(e.getReason()))
              .singleElement()
              .satisfies(e -> assertThat(e.getMessage()).contains(failing.name()));
        });
    // The other nodes stay as they were while the rollout is paused.
    await("the nodes after the failing one untouched")
        .during(Duration.ofSeconds(5))
        .atMost(Duration.ofSeconds(15))
        .untilAsserted(
            () -> {
              for (AgentNode other : nodes.subList(1, nodes.size())) {
                assertThat(E2eCluster.values(other)).isEqualTo(cluster.before(other));
                TcpNodeState state = other.state();
                assertThat(state == null ? Map.of() : state.getSpec().getProfileGenerations())
                    .doesNotContainKey(PROFILE);
              }
            });
    assertThat(cluster.get(PROFILE).getStatus().getRollout().getPaused()).isTrue();

    // A new generation without the key that node lacks goes on, to every node.
    cluster.profile(
        PROFILE, selector(), "rollout: {maxUnavailable: 1}", "keepalive: {timeSeconds: 60}");
    cluster.awaitApplied(PROFILE, nodes.toArray(AgentNode[]::new));
    for (AgentNode node : nodes) {
      assertThat(E2eCluster.values(node))
          .isEqualTo(cluster.beforeWith(node, Map.of(KEEPALIVE_TIME, "60")));
    }
  }

  @Test
  void anAgentKilledWhileApplyingKeepsEveryOriginal() throws Exception {
    AgentNode node = node(netns1);
    String device = netns1.addVeth("10.77.0.1/24");
    List<String> routes = new ArrayList<>();
    for (int i = 0; i < 24; i++) {
      netns1.exec("ip", "route", "add", "10.200." + i + ".0/24", "dev", device);
      routes.add("{destination: 10.200." + i + ".0/24, rtoMin: 30ms}");
    }
    Map<String, String> large = new LinkedHashMap<>();
    large.put(SOMAXCONN, "8192");
    large.put("net.ipv4.tcp_max_syn_backlog", "8000");
    large.put("net.ipv4.tcp_tw_reuse", "1");
    large.put("net.ipv4.tcp_fin_timeout", "30");
    large.put(KEEPALIVE_TIME, "60");
    large.put("net.ipv4.tcp_keepalive_intvl", "10");
    large.put("net.ipv4.tcp_keepalive_probes", "6");
    large.put("net.ipv4.tcp_syn_retries", "3");
    large.put("net.ipv4.tcp_synack_retries", "3");
    large.put("net.ipv4.tcp_retries2", "8");
    large.put("net.ipv4.tcp_orphan_retries", "2");
    Map<String, String> before = E2eCluster.values(node, List.copyOf(large.keySet()));
    // IPv4 only: an IPv6 link-local route of the veth appears whenever its address is ready.
    String routesBefore = netns1.exec("ip", "-4", "-d", "route", "show", "table", "all").stdout();
    operator("single", Map.of("TCPTUNE_LEADER_ELECTION", "false"));
    cluster.profile(
        PROFILE,
        selector(),
        "listenQueue: {somaxconn: 8192, maxSynBacklog: 8000}",
        "timeWait: {twReuse: 1, finTimeoutSeconds: 30}",
        "keepalive: {timeSeconds: 60, intervalSeconds: 10, probes: 6}",
        "retries: {syn: 3, synAck: 3, retries2: 8, orphan: 2}",
        "rto: {routes: [" + String.join(", ", routes) + "]}");
    await("the operator's spec for the node")
        .atMost(WAIT)
        .until(() -> node.state() != null && !node.state().getSpec().getRoutes().isEmpty());

    Process first = E2eCluster.startAgent(node);
    // Routes are changed one at a time after the sysctls: the first one changed means the apply
    // is under way.
    await("the first route changed")
        .atMost(START)
        .pollInterval(Duration.ofMillis(10))
        .until(
            () -> netns1.exec("ip", "route", "show", "10.200.0.0/24").stdout().contains("rto_min"));
    AgentNode.stop(first, true);
    E2eCluster.startAgent(node);
    cluster.awaitApplied(PROFILE, node);
    assertThat(E2eCluster.values(node, List.copyOf(large.keySet()))).isEqualTo(large);

    cluster.deleteProfiles();
    cluster.awaitAsserted(
        WAIT,
        () -> {
          assertThat(E2eCluster.values(node, List.copyOf(large.keySet()))).isEqualTo(before);
          assertThat(netns1.exec("ip", "-4", "-d", "route", "show", "table", "all").stdout())
              .isEqualTo(routesBefore);
        });
  }

  @Test
  void aProfileDeletedWhileAnAgentIsDownIsReleasedAfterTheTimeoutAndRestoredLater()
      throws Exception {
    AgentNode node = node(netns1);
    Process agent = E2eCluster.startAgent(node);
    operator(
        "single", Map.of("TCPTUNE_LEADER_ELECTION", "false", "TCPTUNE_RESTORE_TIMEOUT", "PT6S"));
    profile(SOMAXCONN, "8192");
    cluster.awaitApplied(PROFILE, node);
    TcpProfile applied = cluster.get(PROFILE);
    String uid = applied.getMetadata().getUid();

    // The agent is down (SIGTERM leaves the node's values as they are), then the profile goes.
    AgentNode.stop(agent, false);
    client.resource(applied).delete();

    await("the profile released after the restore timeout")
        .atMost(WAIT)
        .until(() -> cluster.get(PROFILE) == null);
    List<Event> events =
        client.v1().events().inNamespace("default").list().getItems().stream()
            .filter(e -> uid.equals(e.getInvolvedObject().getUid()))
            .toList();
    assertThat(events)
        .filteredOn(e -> "RestoreTimedOut".equals(e.getReason()))
        .singleElement()
        .satisfies(e -> assertThat(e.getMessage()).contains(node.name()));
    assertThat(E2eCluster.values(node, List.of(SOMAXCONN)))
        .as("nobody restored it yet")
        .containsEntry(SOMAXCONN, "8192");

    // When the agent is back, the node gets its original back all the same.
    E2eCluster.startAgent(node);
    cluster.awaitAsserted(
        START,
        () -> {
          assertThat(E2eCluster.values(node)).isEqualTo(cluster.before(node));
          assertThat(node.state()).as("state deleted once restored").isNull();
        });
  }

  // --- helpers -----------------------------------------------------------------------------

  /** A node of the pool, its agent not started yet. */
  private AgentNode node(TestNetns netns) throws Exception {
    return cluster.addNode(netns, dir, POOL);
  }

  private String selector() {
    return "nodeSelector: {matchLabels: {" + E2eCluster.POOL + ": " + POOL + "}}";
  }

  /** The profile with one listen-queue or keepalive key, rolled out to every node at once. */
  private void profile(String key, String value) {
    String setting =
        SOMAXCONN.equals(key)
            ? "listenQueue: {somaxconn: " + value + "}"
            : "keepalive: {timeSeconds: " + value + "}";
    cluster.profile(PROFILE, selector(), "rollout: {maxUnavailable: \"100%\"}", setting);
  }

  private OperatorProcess operator(String name, Map<String, String> env) throws Exception {
    OperatorProcess operator = OperatorProcess.start(controlPlane, name, dir, env);
    operators.add(operator);
    return operator.awaitReady();
  }

  private OperatorProcess replica(String name) throws Exception {
    return operator(name, Map.of("TCPTUNE_LEASE_DURATION", LEASE_DURATION));
  }

  private void awaitLeader(OperatorProcess operator) {
    await(operator.name() + " holding the Lease")
        .atMost(WAIT)
        .ignoreExceptions()
        .until(
            () -> {
              Lease lease =
                  client
                      .leases()
                      .inNamespace(E2eCluster.NAMESPACE)
                      .withName(OperatorProcess.LEASE)
                      .get();
              return operator.name().equals(lease.getSpec().getHolderIdentity());
            });
  }

  /**
   * For a while after {@code operator} took over, no TcpNodeState or TcpProfile changes, and the
   * operator counts no write of its own.
   */
  private void assertNothingWritten(OperatorProcess operator, AgentNode... nodes) throws Exception {
    Map<String, String> versions = resourceVersions(nodes);
    await("no writes by " + operator.name())
        .during(QUIET)
        .atMost(QUIET.plusSeconds(10))
        .until(() -> resourceVersions(nodes).equals(versions));
    assertThat(operator.metric("tcptune_node_state_writes_total")).as(operator.logs()).isZero();
    assertThat(operator.metric("tcptune_profile_status_writes_total")).as(operator.logs()).isZero();
  }

  private Map<String, String> resourceVersions(AgentNode... nodes) {
    Map<String, String> versions = new LinkedHashMap<>();
    versions.put(PROFILE, cluster.get(PROFILE).getMetadata().getResourceVersion());
    for (AgentNode node : nodes) {
      versions.put(node.name(), node.state().getMetadata().getResourceVersion());
    }
    return versions;
  }
}
