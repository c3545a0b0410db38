package dev.tcptune.e2e;

import static dev.tcptune.e2e.E2eCluster.KEEPALIVE_TIME;
import static dev.tcptune.e2e.E2eCluster.POOL;
import static dev.tcptune.e2e.E2eCluster.SOMAXCONN;
import static dev.tcptune.e2e.E2eCluster.WAIT;
import static org.assertj.core.api.Assertions.assertThat;

import dev.tcptune.agent.AgentNode;
import dev.tcptune.kernel.testing.TestNetns;
import dev.tcptune.testing.ControlPlane;
import dev.tcptune.testing.RealApiServer;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * End to end, nodes coming and going under a profile that already exists: a node that joins is
 * tuned and counted, a deleted Node loses its TcpNodeState and is no longer counted (and is tuned
 * again when it comes back). One node ({@code base}, pool {@code web}) and the operator serve both
 * tests; each test adds a node of its own. Root only.
 */
@Tag("kernel")
@RealApiServer
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class FleetChangesIT {

  private static final String PROFILE = "fleet-web";
  private static final Map<String, String> TUNED = Map.of(SOMAXCONN, "8192", KEEPALIVE_TIME, "60");

  @RegisterExtension static final TestNetns BASE = TestNetns.perClass();
  @RegisterExtension final TestNetns extraNetns = new TestNetns();
  @TempDir static Path dir;

  private E2eCluster cluster;
  private AgentNode base;
  private AgentNode extra;

  @BeforeAll
  void start(KubernetesClient client, ControlPlane controlPlane) throws Exception {
    cluster = E2eCluster.start(client, controlPlane, "e2e-fleet");
    base = cluster.addNode(BASE, dir, "web");
    E2eCluster.startAgent(base);
  }

  @AfterAll
  void stop() throws Exception {
    if (cluster != null) {
      cluster.close();
    }
  }

  @AfterEach
  void removeExtraNode() throws Exception {
    try {
      cluster.deleteProfiles();
      cluster.awaitAsserted(
          WAIT,
          () -> assertThat(E2eCluster.values(base)).as("base").isEqualTo(cluster.before(base)));
    } finally {
      if (extra != null) {
        cluster.removeNode(extra);
        extra = null;
      }
    }
  }

  @Test
  void aNodeThatJoinsIsTunedAndCounted() throws Exception {
    profile();
    cluster.awaitApplied(PROFILE, base);

    extra = cluster.addNode(extraNetns, dir, "web");
    // Selected at once; not applied while its agent is not running yet.
    cluster.awaitAsserted(
        WAIT,
        () -> {
          var status = cluster.get(PROFILE).getStatus();
          assertThat(status.getMatchedNodes()).isEqualTo(2);
          assertThat(status.getAppliedNodes()).isEqualTo(1);
          Condition ready = cluster.condition(PROFILE, "Ready");
          assertThat(ready.getStatus()).isEqualTo("False");
          assertThat(ready.getReason()).isEqualTo("NotAllNodesApplied");
          assertThat(extra.state().getSpec().getProfiles()).containsExactly(PROFILE);
        });
    assertThat(E2eCluster.values(extra)).isEqualTo(cluster.before(extra));

    E2eCluster.startAgent(extra);

    cluster.awaitApplied(PROFILE, base, extra);
    assertThat(E2eCluster.values(extra)).isEqualTo(cluster.beforeWith(extra, TUNED));
    assertThat(E2eCluster.values(base)).isEqualTo(cluster.beforeWith(base, TUNED));
    cluster.awaitAsserted(
        WAIT,
        () ->
            assertThat(cluster.events(PROFILE))
                .filteredOn(e -> "Applied".equals(e.getReason()))
                .extracting(Event::getMessage)
                .contains("applied on all 1 nodes", "applied on all 2 nodes"));
  }

  @Test
  void aDeletedNodeLosesItsStateAndIsTunedAgainWhenItComesBack() throws Exception {
    extra = cluster.addNode(extraNetns, dir, "web");
    Process agent = E2eCluster.startAgent(extra);
    profile();
    cluster.awaitApplied(PROFILE, base, extra);
    assertThat(E2eCluster.values(extra)).isEqualTo(cluster.beforeWith(extra, TUNED));

    cluster.client().nodes().withName(extra.name()).delete();

    cluster.awaitAsserted(
        WAIT,
        () -> {
          assertThat(extra.state()).as("state of the deleted node").isNull();
          var status = cluster.get(PROFILE).getStatus();
          assertThat(status.getMatchedNodes()).isEqualTo(1);
          assertThat(status.getAppliedNodes()).isEqualTo(1);
          assertThat(cluster.condition(PROFILE, "Ready").getStatus()).isEqualTo("True");
          // Its agent, if the machine still runs, puts the originals back: nothing manages the
          // node any more.
          assertThat(E2eCluster.values(extra)).isEqualTo(cluster.before(extra));
        });
    assertThat(agent.isAlive()).as("the agent keeps waiting for its node's state").isTrue();
    assertThat(extra.state()).as("the agent does not recreate the state").isNull();
    assertThat(E2eCluster.values(base)).isEqualTo(cluster.beforeWith(base, TUNED));

    // The kubelet registers the node again: the same agent tunes it again.
    cluster.register(extra, "web");
    cluster.awaitApplied(PROFILE, base, extra);
    assertThat(E2eCluster.values(extra)).isEqualTo(cluster.beforeWith(extra, TUNED));
  }

  private void profile() {
    cluster.profile(
        PROFILE,
        "nodeSelector: {matchLabels: {" + POOL + ": web}}",
        "listenQueue: {somaxconn: 8192}",
        "keepalive: {timeSeconds: 60}");
  }
}
