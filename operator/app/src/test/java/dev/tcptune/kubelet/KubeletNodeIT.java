package dev.tcptune.kubelet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.marcnuri.helm.Helm;
import com.marcnuri.helm.Release;
import dev.tcptune.api.v1alpha1.OriginalValue;
import dev.tcptune.api.v1alpha1.TcpNodeState;
import dev.tcptune.api.v1alpha1.TcpProfile;
import dev.tcptune.kernel.catalog.Tunable;
import dev.tcptune.kernel.catalog.TunableCatalog;
import dev.tcptune.kernel.testing.TestNetns;
import dev.tcptune.testing.ControlPlane;
import dev.tcptune.testing.HostSysctls;
import dev.tcptune.testing.NodeCluster;
import io.fabric8.kubernetes.api.model.Capabilities;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer.OrderAnnotation;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.extension.TestWatcher;

/**
 * The chart installed as a user installs it into a real one-node cluster ({@link NodeCluster}: a
 * real kubelet with containerd and runc on this machine): the operator runs as a Deployment pod,
 * the agent as the DaemonSet pod the operator makes, with the chart's default least-privilege
 * settings, and tunes this machine's own network namespace, the node's.
 *
 * <p>The keys and values are harmless even if a run dies half-way: keepalive probes 9 or 8 and
 * FIN_WAIT_2 timeout 60 or 55 seconds, each moved away from what the machine has. The test checks
 * at the end that every key of the catalog has the value it had at the start.
 *
 * <p>The tests run in order, each building on the state the one before left.
 */
@Tag("kernel")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(OrderAnnotation.class)
class KubeletNodeIT {

  private static final Path CHART = ControlPlane.repositoryRoot().resolve("helm/tcptune");
  private static final String NAMESPACE = "tcptune-system";
  private static final String RELEASE = "tcptune";
  private static final String PROFILE = "kubelet-node";
  private static final String PROBES = "net.ipv4.tcp_keepalive_probes";
  private static final String FIN_TIMEOUT = "net.ipv4.tcp_fin_timeout";
  private static final Duration WAIT = Duration.ofMinutes(2);

  /** Records whether a test failed, so that the containers' logs are shown then. */
  @RegisterExtension
  final TestWatcher failures =
      new TestWatcher() {
        @Override
        public void testFailed(ExtensionContext context, Throwable cause) {
          failed = true;
        }
      };

  private volatile boolean failed;
  private NodeCluster cluster;
  private KubernetesClient client;
  private Map<String, String> atStart;
  private Map<String, String> desired;

  @BeforeAll
  void startCluster() throws IOException {
    if (System.getenv("TCPTUNE_REQUIRE_KERNEL_TESTS") != null) {
      assertThat(TestNetns.available()).as("CI must run the kubelet suite: root").isTrue();
    }
    assumeTrue(TestNetns.available(), "a kubelet needs root");
    atStart = catalogValues();
    desired =
        Map.of(
            PROBES, atStart.get(PROBES).equals("9") ? "8" : "9",
            FIN_TIMEOUT, atStart.get(FIN_TIMEOUT).equals("60") ? "55" : "60");
    cluster = NodeCluster.start();
    client = cluster.client();
  }

  @AfterAll
  void stopCluster() throws IOException {
    if (cluster == null) {
      return;
    }
    try {
      client.resources(TcpProfile.class).withName(PROFILE).delete();
      if (failed) {
        printContainerLogs();
      }
    } finally {
      cluster.close();
    }
    // Whatever happened above, the node (this machine) keeps what it had.
    assertThat(catalogValues()).isEqualTo(atStart);
  }

  @Test
  @Order(1)
  void helmInstallRunsTheOperatorAndTheAgentAsPods() throws IOException {
    Release release =
        new Helm(CHART)
            .install()
            .withName(RELEASE)
            .withNamespace(NAMESPACE)
            .createNamespace()
            .withKubeConfigContents(kubeconfig())
            .set("image.pullPolicy", "Never")
            // Drift is looked for every 2 s instead of 30 s, so the test waits less.
            .set("agent.checkInterval", "PT2S")
            .waitReady()
            .call();
    assertThat(release.getStatus()).isEqualTo("deployed");
    // As NOTES.txt asks: the agents need the privileged Pod Security level.
    cluster.kubectl(
        "label",
        "namespace",
        NAMESPACE,
        "pod-security.kubernetes.io/enforce=privileged",
        "--overwrite");

    await("two operator pods Running and Ready")
        .atMost(WAIT)
        .untilAsserted(
            () -> assertThat(readyPods("app.kubernetes.io/component=operator")).hasSize(2));
    Pod agent = awaitAgentPod(Optional.empty());

    Container container = agent.getSpec().getContainers().get(0);
    assertThat(container.getImage()).startsWith("ghcr.io/tcptune/tcptune:");
    assertThat(container.getSecurityContext().getPrivileged()).isNotEqualTo(Boolean.TRUE);
    Capabilities caps = container.getSecurityContext().getCapabilities();
    assertThat(caps.getAdd()).containsExactly("NET_ADMIN");
    assertThat(caps.getDrop()).contains("ALL");
    assertThat(container.getSecurityContext().getReadOnlyRootFilesystem()).isTrue();
    assertThat(agent.getSpec().getHostNetwork()).isTrue();
    assertThat(agent.getSpec().getNodeName()).isEqualTo(cluster.nodeName());
  }

  @Test
  @Order(2)
  void aProfileIsAppliedByTheAgentPod() {
    String yaml =
        """
        apiVersion: tcptune.dev/v1alpha1
        kind: TcpProfile
        metadata: {name: %s}
        spec:
          nodeSelector: {matchLabels: {kubernetes.io/hostname: %s}}
          mode: Enforce
          keepalive: {probes: %s}
          timeWait: {finTimeoutSeconds: %s}
        """
            .formatted(PROFILE, cluster.nodeName(), desired.get(PROBES), desired.get(FIN_TIMEOUT));
    client.resource(Serialization.unmarshal(yaml, TcpProfile.class)).serverSideApply();

    awaitApplied();
    assertThat(sysctl(PROBES)).isEqualTo(desired.get(PROBES));
    assertThat(sysctl(FIN_TIMEOUT)).isEqualTo(desired.get(FIN_TIMEOUT));
    assertThat(originals(state())).containsEntry(PROBES, atStart.get(PROBES));
    assertThat(originals(state())).containsEntry(FIN_TIMEOUT, atStart.get(FIN_TIMEOUT));

    // What `kubectl get` shows: Enforce, 1 matched, 1 applied, 0 drifted, 0 failed, Ready True.
    String table = cluster.kubectl("get", "tcpprofiles", PROFILE, "--no-headers");
    assertThat(table.split("\\s+")).startsWith(PROFILE, "Enforce", "0", "1", "1", "0", "0", "True");
    String nodeTable = cluster.kubectl("get", "tcpnodestates", cluster.nodeName(), "--no-headers");
    assertThat(nodeTable.split("\\s+")).startsWith(cluster.nodeName(), "2", "2", "0", "0");
  }

  @Test
  @Order(3)
  void driftOnTheNodeIsCorrected() throws Exception {
    Process write = new ProcessBuilder("sysctl", "-w", PROBES + "=" + atStart.get(PROBES)).start();
    assertThat(write.waitFor()).as("sysctl -w").isZero();
    await("the agent pod puts " + PROBES + " back")
        .atMost(WAIT)
        .until(() -> sysctl(PROBES).equals(desired.get(PROBES)));
    await("the drift correction counted")
        .atMost(WAIT)
        .until(
            () -> Optional.ofNullable(state().getStatus().getDriftCorrections()).orElse(0L) >= 1);
  }

  @Test
  @Order(4)
  void aRecreatedAgentPodDoesNotTakeTunedValuesForOriginals() {
    Pod before = awaitAgentPod(Optional.empty());
    client.pods().resource(before).delete();
    Pod after = awaitAgentPod(Optional.of(before.getMetadata().getUid()));
    assertThat(after.getMetadata().getName()).isNotEqualTo(before.getMetadata().getName());

    awaitApplied();
    assertThat(originals(state()))
        .containsEntry(PROBES, atStart.get(PROBES))
        .containsEntry(FIN_TIMEOUT, atStart.get(FIN_TIMEOUT));
    assertThat(sysctl(PROBES)).isEqualTo(desired.get(PROBES));
  }

  @Test
  @Order(5)
  void aDeletedOperatorPodHandsOverLeadershipAndRewritesNothing() {
    String leader = lease().getSpec().getHolderIdentity();
    Pod leaderPod = client.pods().inNamespace(NAMESPACE).withName(leader).get();
    assertThat(leaderPod).as("the Lease holder is an operator pod: " + leader).isNotNull();
    Map<String, String> versions = resourceVersions();

    client.pods().resource(leaderPod).delete();
    await("another operator pod holds the Lease")
        .atMost(WAIT)
        .ignoreExceptions()
        .until(() -> !leader.equals(lease().getSpec().getHolderIdentity()));
    String next = lease().getSpec().getHolderIdentity();
    assertThat(client.pods().inNamespace(NAMESPACE).withName(next).get()).isNotNull();

    await("nothing rewritten by the new leader " + next)
        .during(Duration.ofSeconds(10))
        .atMost(Duration.ofSeconds(20))
        .until(() -> resourceVersions().equals(versions));
    await("the Deployment back at two Ready operator pods")
        .atMost(WAIT)
        .untilAsserted(
            () -> assertThat(readyPods("app.kubernetes.io/component=operator")).hasSize(2));
  }

  @Test
  @Order(6)
  void deletingTheProfileAndUninstallingGiveEveryValueBack() throws IOException {
    client.resources(TcpProfile.class).withName(PROFILE).delete();
    await("the profile released after every node restored")
        .atMost(WAIT)
        .until(() -> client.resources(TcpProfile.class).withName(PROFILE).get() == null);
    assertThat(catalogValues()).isEqualTo(atStart);

    Helm.uninstall(RELEASE).withNamespace(NAMESPACE).withKubeConfigContents(kubeconfig()).call();
    await("no pod of tcptune left")
        .atMost(WAIT)
        .until(() -> client.pods().inNamespace(NAMESPACE).list().getItems().isEmpty());
    assertThat(client.apps().daemonSets().inNamespace(NAMESPACE).list().getItems()).isEmpty();
    assertThat(catalogValues()).isEqualTo(atStart);
  }

  // --- helpers ---------------------------------------------------------------------------------

  private void awaitApplied() {
    await(PROFILE + " applied on " + cluster.nodeName())
        .atMost(WAIT)
        .ignoreExceptions()
        .untilAsserted(
            () -> {
              TcpNodeState state = state();
              assertThat(state.getStatus().getObservedGeneration())
                  .isEqualTo(state.getMetadata().getGeneration());
              assertThat(condition(state.getStatus().getConditions(), "Applied")).isEqualTo("True");
              TcpProfile profile = client.resources(TcpProfile.class).withName(PROFILE).get();
              assertThat(profile.getStatus().getAppliedNodes()).isEqualTo(1);
              assertThat(condition(profile.getStatus().getConditions(), "Ready")).isEqualTo("True");
            });
  }

  /** The one agent pod, Running and Ready, and not the pod with uid {@code notUid}. */
  private Pod awaitAgentPod(Optional<String> notUid) {
    await("the agent pod Running and Ready")
        .atMost(WAIT)
        .untilAsserted(
            () -> {
              List<Pod> ready = readyPods("app.kubernetes.io/name=tcptune-agent");
              assertThat(ready).hasSize(1);
              notUid.ifPresent(
                  uid -> assertThat(ready.get(0).getMetadata().getUid()).isNotEqualTo(uid));
            });
    return readyPods("app.kubernetes.io/name=tcptune-agent").get(0);
  }

  private List<Pod> readyPods(String selector) {
    String[] kv = selector.split("=", 2);
    return client.pods().inNamespace(NAMESPACE).withLabel(kv[0], kv[1]).list().getItems().stream()
        .filter(p -> p.getMetadata().getDeletionTimestamp() == null)
        .filter(p -> "Running".equals(p.getStatus().getPhase()))
        .filter(
            p ->
                p.getStatus().getConditions().stream()
                    .anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus())))
        .toList();
  }

  private String kubeconfig() throws IOException {
    return Files.readString(cluster.kubeconfig());
  }

  private TcpNodeState state() {
    return client.resources(TcpNodeState.class).withName(cluster.nodeName()).get();
  }

  private Lease lease() {
    return client.leases().inNamespace(NAMESPACE).withName("tcptune-operator").get();
  }

  private Map<String, String> resourceVersions() {
    Map<String, String> versions = new LinkedHashMap<>();
    versions.put(
        "profile",
        client
            .resources(TcpProfile.class)
            .withName(PROFILE)
            .get()
            .getMetadata()
            .getResourceVersion());
    versions.put("node state", state().getMetadata().getResourceVersion());
    versions.put(
        "agent DaemonSet",
        client
            .apps()
            .daemonSets()
            .inNamespace(NAMESPACE)
            .withName("tcptune-agent")
            .get()
            .getMetadata()
            .getResourceVersion());
    return versions;
  }

  private static String condition(List<Condition> conditions, String type) {
    return conditions.stream()
        .filter(c -> type.equals(c.getType()))
        .map(Condition::getStatus)
        .findFirst()
        .orElse("absent");
  }

  private static Map<String, String> originals(TcpNodeState state) {
    return state.getStatus().getOriginals().stream()
        .filter(o -> o.getKey() != null)
        .collect(Collectors.toMap(OriginalValue::getKey, OriginalValue::getOriginal));
  }

  /** Every key of the catalog this kernel has, as this machine's network namespace has it. */
  private static Map<String, String> catalogValues() {
    Map<String, String> values = new LinkedHashMap<>();
    for (Tunable tunable : TunableCatalog.standard().all()) {
      Path file = Path.of("/proc/sys", tunable.key().replace('.', '/'));
      if (Files.exists(file)) {
        values.put(tunable.key(), sysctl(tunable.key()));
      }
    }
    return values;
  }

  private static String sysctl(String key) {
    return HostSysctls.value(key);
  }

  private void printContainerLogs() throws IOException {
    Path logs = cluster.logDir();
    if (!Files.isDirectory(logs)) {
      return;
    }
    try (Stream<Path> files = Files.walk(logs)) {
      for (Path f :
          files
              .filter(p -> p.toString().contains("tcptune"))
              .filter(Files::isRegularFile)
              .toList()) {
        List<String> lines = Files.readAllLines(f);
        System.out.println("[kubelet-it] " + f + " (last 40 lines)");
        lines
            .subList(Math.max(0, lines.size() - 40), lines.size())
            .forEach(l -> System.out.println("  " + l));
      }
    }
  }
}
