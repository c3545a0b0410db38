package dev.tcptune.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.tcptune.api.v1alpha1.EffectiveSetting;
import dev.tcptune.api.v1alpha1.Mode;
import dev.tcptune.api.v1alpha1.TcpNodeState;
import dev.tcptune.api.v1alpha1.TcpNodeStateSpec;
import dev.tcptune.kernel.testing.TestNetns;
import dev.tcptune.testing.ControlPlane;
import dev.tcptune.testing.OnConflict;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The agent keeps working through a restart of kube-apiserver: its watch reconnects and it reports
 * again. Uses a control plane of its own (etcd stays up, kube-apiserver restarts on a new port), so
 * the shared one is never interrupted.
 */
@Tag("kernel")
class AgentApiServerRestartIT {

  @RegisterExtension final TestNetns netns = new TestNetns();
  @TempDir Path dir;

  @Test
  void reconnectsAndReportsAgainAfterTheApiServerRestarts() throws Exception {
    try (ControlPlane own = ControlPlane.start();
        AgentNode node = new AgentNode(netns, own, dir)) {
      create(own.adminClient(), node.name());
      node.startAgent("--check-interval", "1s");
      await("first status")
          .atMost(Duration.ofSeconds(90))
          .untilAsserted(
              () ->
                  assertThat(actual(own.adminClient(), node.name()))
                      .as(node.logs())
                      .isEqualTo("8192"));

      String kubeconfig = own.restartApiServer();
      try (KubernetesClient client =
          new KubernetesClientBuilder().withConfig(Config.fromKubeconfig(kubeconfig)).build()) {
        node.retarget(client.getMasterUrl().getPort(), client);
        OnConflict.retry(
            () ->
                client
                    .resources(TcpNodeState.class)
                    .withName(node.name())
                    .edit(
                        s -> {
                          s.getSpec().getSettings().get(0).setValue("16384");
                          return s;
                        }));

        await("status after the restart")
            .atMost(Duration.ofSeconds(120))
            .untilAsserted(
                () -> {
                  TcpNodeState s = client.resources(TcpNodeState.class).withName(node.name()).get();
                  assertThat(s.getStatus().getObservedGeneration()).as(node.logs()).isEqualTo(2L);
                  assertThat(actual(client, node.name())).isEqualTo("16384");
                });
        assertThat(node.sysctl("net.core.somaxconn")).isEqualTo("16384");
        node.close();
      }
    }
  }

  private static void create(KubernetesClient client, String name) {
    TcpNodeState state = new TcpNodeState();
    state.setMetadata(new ObjectMetaBuilder().withName(name).build());
    TcpNodeStateSpec spec = new TcpNodeStateSpec();
    spec.setSettings(
        new ArrayList<>(
            List.of(new EffectiveSetting("net.core.somaxconn", "8192", "restart", Mode.ENFORCE))));
    state.setSpec(spec);
    client.resources(TcpNodeState.class).resource(state).create();
  }

  private static String actual(KubernetesClient client, String name) {
    TcpNodeState s = client.resources(TcpNodeState.class).withName(name).get();
    if (s == null || s.getStatus() == null || s.getStatus().getSettings().isEmpty()) {
      return null;
    }
    return s.getStatus().getSettings().get(0).getActual();
  }
}
