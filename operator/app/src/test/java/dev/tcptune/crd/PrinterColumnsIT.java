package dev.tcptune.crd;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tcptune.api.v1alpha1.KeepaliveSettings;
import dev.tcptune.api.v1alpha1.Mode;
import dev.tcptune.api.v1alpha1.NodeSummary;
import dev.tcptune.api.v1alpha1.TcpNodeState;
import dev.tcptune.api.v1alpha1.TcpNodeStateStatus;
import dev.tcptune.api.v1alpha1.TcpProfile;
import dev.tcptune.api.v1alpha1.TcpProfileSpec;
import dev.tcptune.api.v1alpha1.TcpProfileStatus;
import dev.tcptune.testing.ControlPlane;
import dev.tcptune.testing.RealApiServer;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ConditionBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@code kubectl get} answers "is it applied everywhere?" at a glance: the real kubectl of the
 * control plane, against the real API server, after a status was written.
 */
@RealApiServer
class PrinterColumnsIT {

  private static final String PROFILE = "printer-columns";
  private static final String NODE = "worker-printer-columns";
  private static final String AGE = "\\d+s|\\d+m\\d*s?";

  private final KubernetesClient client;
  private final ControlPlane controlPlane;

  PrinterColumnsIT(KubernetesClient client, ControlPlane controlPlane) {
    this.client = client;
    this.controlPlane = controlPlane;
  }

  @AfterEach
  void cleanUp() {
    delete(client.resources(TcpProfile.class).withName(PROFILE).get());
    delete(client.resources(TcpNodeState.class).withName(NODE).get());
  }

  @Test
  void tcpProfileShowsModePriorityNodeCountsAndReadiness() {
    TcpProfile created = client.resource(profile()).create();
    created.setStatus(profileStatus());
    client.resource(created).updateStatus();

    for (String resource : List.of("tcpprofiles", "tcpprofile", "tcpp")) {
      List<List<String>> table =
          table(controlPlane.kubectl("get", resource, PROFILE).assertSuccess().stdout());

      assertThat(table.get(0))
          .as("header of kubectl get %s", resource)
          .containsExactly(
              "NAME",
              "MODE",
              "PRIORITY",
              "MATCHED",
              "APPLIED",
              "DRIFTED",
              "FAILED",
              "READY",
              "AGE");
      assertThat(table).hasSize(2);
      assertThat(table.get(1).subList(0, 8))
          .as("row of kubectl get %s", resource)
          .containsExactly(PROFILE, "Audit", "42", "5", "3", "1", "1", "False");
      assertThat(table.get(1).get(8)).matches(AGE);
    }
  }

  @Test
  void tcpNodeStateShowsSettingCountsKernelAndLastCheck() {
    TcpNodeState created = client.resource(nodeState()).create();
    created.setStatus(nodeStateStatus(Instant.now().minus(Duration.ofDays(3))));
    client.resource(created).updateStatus();

    for (String resource : List.of("tcpnodestates", "tcpns")) {
      List<List<String>> table =
          table(controlPlane.kubectl("get", resource, NODE).assertSuccess().stdout());

      assertThat(table.get(0))
          .as("header of kubectl get %s", resource)
          .containsExactly(
              "NAME", "SETTINGS", "INSYNC", "DRIFTED", "FAILED", "KERNEL", "LAST-CHECK", "AGE");
      assertThat(table).hasSize(2);
      assertThat(table.get(1).subList(0, 7))
          .as("row of kubectl get %s", resource)
          .containsExactly(NODE, "12", "9", "2", "1", "6.18.4", "3d");
      assertThat(table.get(1).get(7)).matches(AGE);
    }
  }

  /** kubectl's table as one list of cells per line (no cell in these tests contains a space). */
  private static List<List<String>> table(String stdout) {
    return stdout
        .lines()
        .filter(line -> !line.isBlank())
        .map(line -> List.of(line.trim().split("\\s+")))
        .toList();
  }

  private static TcpProfile profile() {
    KeepaliveSettings keepalive = new KeepaliveSettings();
    keepalive.setTimeSeconds(60);
    TcpProfileSpec spec = new TcpProfileSpec();
    spec.setMode(Mode.AUDIT);
    spec.setPriority(42);
    spec.setKeepalive(keepalive);
    TcpProfile profile = new TcpProfile();
    profile.setMetadata(new ObjectMetaBuilder().withName(PROFILE).build());
    profile.setSpec(spec);
    return profile;
  }

  private static TcpProfileStatus profileStatus() {
    TcpProfileStatus status = new TcpProfileStatus();
    status.setObservedGeneration(1L);
    status.setMatchedNodes(5);
    status.setAppliedNodes(3);
    status.setDriftedNodes(1);
    status.setFailedNodes(1);
    status.setConditions(
        List.of(
            condition("Ready", "False", "NodesDrifted", "1 of 5 nodes drifted, 1 failed"),
            condition("Drifted", "True", "NodesDrifted", "worker-3: net.core.somaxconn is 4096")));
    return status;
  }

  private static TcpNodeState nodeState() {
    TcpNodeState state = new TcpNodeState();
    state.setMetadata(new ObjectMetaBuilder().withName(NODE).build());
    state.getSpec().setProfiles(List.of(PROFILE));
    return state;
  }

  private static TcpNodeStateStatus nodeStateStatus(Instant lastCheck) {
    TcpNodeStateStatus status = new TcpNodeStateStatus();
    status.setObservedGeneration(1L);
    status.setKernelVersion("6.18.4");
    status.setSummary(new NodeSummary(12, 9, 2, 1));
    status.setLastCheckTime(lastCheck.truncatedTo(ChronoUnit.SECONDS).toString());
    return status;
  }

  private static Condition condition(String type, String status, String reason, String message) {
    return new ConditionBuilder()
        .withType(type)
        .withStatus(status)
        .withReason(reason)
        .withMessage(message)
        .withObservedGeneration(1L)
        .withLastTransitionTime(Instant.now().truncatedTo(ChronoUnit.SECONDS).toString())
        .build();
  }

  private void delete(HasMetadata resource) {
    if (resource == null) {
      return;
    }
    client.resource(resource).delete();
    Awaitility.await("deletion of " + resource.getMetadata().getName())
        .atMost(Duration.ofSeconds(30))
        .until(() -> client.resource(resource).get() == null);
  }
}
