package dev.tcptune.e2e;

import static dev.tcptune.e2e.E2eCluster.KEEPALIVE_TIME;
import static dev.tcptune.e2e.E2eCluster.SOMAXCONN;
import static dev.tcptune.e2e.E2eCluster.WAIT;
import static dev.tcptune.e2e.E2eCluster.WITHIN_ONE_CHECK;
import static org.assertj.core.api.Assertions.assertThat;

import dev.tcptune.agent.AgentNode;
import dev.tcptune.api.v1alpha1.TcpProfile;
import dev.tcptune.kernel.testing.TestNetns;
import dev.tcptune.testing.ControlPlane;
import dev.tcptune.testing.RealApiServer;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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

  private static final List<String> KEYS = List.of(SOMAXCONN, KEEPALIVE_TIME);

  /** What the Enforce profiles set; both differ from a fresh namespace's defaults. */
  private static final Map<String, String> TUNED = Map.of(SOMAXCONN, "8192", KEEPALIVE_TIME, "60");

  @RegisterExtension final TestNetns web1Netns = new TestNetns();
  @RegisterExtension final TestNetns web2Netns = new TestNetns();
  @RegisterExtension final TestNetns batchNetns = new TestNetns();
  @TempDir Path dir;

  private E2eCluster cluster;
  private AgentNode web1;
  private AgentNode web2;
  private AgentNode batch;
  private List<AgentNode> nodes;

  @BeforeAll
  void startOperator(KubernetesClient client, ControlPlane controlPlane) throws Exception {
    cluster = E2eCluster.start(client, controlPlane, "e2e");
  }

  @AfterAll
  void stopOperator() throws Exception {
    if (cluster != null) {
      cluster.close();
    }
  }

  @BeforeEach
  void startNodes() throws Exception {
    web1 = cluster.addNode(web1Netns, dir, "web");
    web2 = cluster.addNode(web2Netns, dir, "web");
    batch = cluster.addNode(batchNetns, dir, "batch");
    nodes = List.of(web1, web2, batch);
    for (AgentNode node : nodes) {
      E2eCluster.startAgent(node);
    }
  }

  /**
   * Profiles go first, while the agents run and can restore and the operator can release the
   * finalizers; then the Node objects, the agents and their states. The namespaces go last, with
   * the {@link TestNetns} extensions.
   */
  @AfterEach
  void stopNodes() throws Exception {
    cluster.removeAll();
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
    assertThat(values(batch)).as("unselected node untouched").isEqualTo(before(batch));
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
    assertThat(values(batch)).as("unselected node untouched").isEqualTo(before(batch));
  }

  @Test
  void deletedProfileRestoresOriginalsAndIsReleased() throws Exception {
    profile(
        "e2e-delete", "Enforce", "listenQueue: {somaxconn: 8192}", "keepalive: {timeSeconds: 60}");
    awaitApplied("e2e-delete", web1, web2);
    assertThat(values(web1)).isEqualTo(TUNED);
    assertThat(values(web2)).isEqualTo(TUNED);

    cluster.client().resources(TcpProfile.class).withName("e2e-delete").delete();

    awaitAsserted(
        WAIT,
        () -> {
          for (AgentNode node : nodes) {
            assertThat(values(node)).as(node.name()).isEqualTo(before(node));
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

    cluster.relabel(web2, "batch");

    awaitAsserted(
        WAIT,
        () -> {
          assertThat(values(web2)).isEqualTo(before(web2));
          assertThat(web2.state()).as("state of the relabeled node").isNull();
          assertThat(get("e2e-relabel").getStatus().getMatchedNodes()).isEqualTo(1);
          assertThat(get("e2e-relabel").getStatus().getAppliedNodes()).isEqualTo(1);
        });
    assertThat(values(web1)).as("still selected").isEqualTo(TUNED);
  }

  // --- helpers -------------------------------------------------------------------------------

  private void profile(String name, String mode, String... tuning) {
    cluster.profile(
        name,
        "mode: " + mode,
        "nodeSelector: {matchLabels: {" + E2eCluster.POOL + ": web}}",
        "rollout: {maxUnavailable: \"100%\"}",
        String.join("\n  ", tuning));
  }

  private void awaitApplied(String profile, AgentNode... selected) {
    cluster.awaitApplied(profile, selected);
  }

  private void awaitAsserted(Duration within, ThrowingRunnable assertion) {
    cluster.awaitAsserted(within, assertion);
  }

  private TcpProfile get(String profile) {
    return cluster.get(profile);
  }

  private Condition condition(String profile, String type) {
    return cluster.condition(profile, type);
  }

  /** The node's values of {@link #KEYS} before the test. */
  private Map<String, String> before(AgentNode node) {
    Map<String, String> some = new LinkedHashMap<>(cluster.before(node));
    some.keySet().retainAll(KEYS);
    return some;
  }

  private static Map<String, String> values(AgentNode node) {
    return E2eCluster.values(node, KEYS);
  }
}
