package dev.tcptune.crd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.assertj.core.api.Assertions.tuple;

import dev.tcptune.api.v1alpha1.TcpProfile;
import dev.tcptune.testing.Manifests;
import dev.tcptune.testing.RealApiServer;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.ManagedFieldsEntry;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import java.time.Duration;
import java.util.Map;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * GitOps tools apply the same manifest over and over with server-side apply: with the same field
 * manager an unchanged manifest must be a no-op (no new resourceVersion, no new generation, so no
 * reconcile), and a changed value must reach the object and bump its generation.
 */
@RealApiServer
class ServerSideApplyIT {

  private static final String NAME = "server-side-apply";
  private static final String MANAGER = "gitops-controller";
  private static final ResourceDefinitionContext PROFILES =
      ResourceDefinitionContext.fromResourceType(TcpProfile.class);

  /** Leaves out mode and priority on purpose: server-side defaults must not count as a change. */
  private static final String MANIFEST =
      """
      apiVersion: tcptune.dev/v1alpha1
      kind: TcpProfile
      metadata:
        name: server-side-apply
      spec:
        nodeSelector:
          matchLabels:
            node-role.kubernetes.io/ingress: ""
        listenQueue:
          somaxconn: %d
        keepalive:
          timeSeconds: 60
          intervalSeconds: 10
          probes: 6
        rto:
          routes:
            - destination: 10.0.0.0/8
              rtoMin: 20ms
      """;

  private final KubernetesClient client;

  ServerSideApplyIT(KubernetesClient client) {
    this.client = client;
  }

  @AfterEach
  void deleteProfile() {
    client.genericKubernetesResources(PROFILES).withName(NAME).delete();
    Awaitility.await("deletion of " + NAME)
        .atMost(Duration.ofSeconds(30))
        .until(() -> client.genericKubernetesResources(PROFILES).withName(NAME).get() == null);
  }

  @Test
  void applyingTheSameManifestAgainChangesNothing() {
    GenericKubernetesResource first = apply(manifest(4096), MANAGER);
    GenericKubernetesResource second = apply(manifest(4096), MANAGER);

    assertThat(first.getMetadata().getGeneration()).isEqualTo(1L);
    assertThat(second.getMetadata().getResourceVersion())
        .as("resourceVersion after the second apply")
        .isEqualTo(first.getMetadata().getResourceVersion());
    assertThat(second.getMetadata().getGeneration()).isEqualTo(1L);
    assertThat(second.getMetadata().getManagedFields())
        .as("field managers")
        .extracting(ManagedFieldsEntry::getManager, ManagedFieldsEntry::getOperation)
        .containsExactly(tuple(MANAGER, "Apply"));
  }

  @Test
  void applyingAChangedValueBumpsGeneration() {
    GenericKubernetesResource first = apply(manifest(4096), MANAGER);

    GenericKubernetesResource changed = apply(manifest(8192), MANAGER);

    assertThat(changed.getMetadata().getGeneration()).isEqualTo(2L);
    assertThat(changed.getMetadata().getResourceVersion())
        .isNotEqualTo(first.getMetadata().getResourceVersion());
    assertThat(listenQueue(stored())).containsEntry("somaxconn", 8192);

    GenericKubernetesResource again = apply(manifest(8192), MANAGER);
    assertThat(again.getMetadata().getResourceVersion())
        .as("resourceVersion after re-applying the changed manifest")
        .isEqualTo(changed.getMetadata().getResourceVersion());
    assertThat(again.getMetadata().getGeneration()).isEqualTo(2L);
  }

  @Test
  void fieldRemovedFromTheManifestIsRemovedFromTheProfile() {
    apply(manifest(4096), MANAGER);
    GenericKubernetesResource withoutKeepalive = manifest(4096);
    spec(withoutKeepalive).remove("keepalive");

    GenericKubernetesResource applied = apply(withoutKeepalive, MANAGER);

    assertThat(applied.getMetadata().getGeneration()).isEqualTo(2L);
    assertThat(spec(stored())).doesNotContainKey("keepalive").containsKey("listenQueue");
  }

  @Test
  void anotherManagerCannotTakeAnOwnedValueWithoutForce() {
    apply(manifest(4096), MANAGER);

    KubernetesClientException conflict =
        catchThrowableOfType(
            KubernetesClientException.class, () -> apply(manifest(1024), "someone-else"));

    assertThat(conflict).as("apply by another manager").isNotNull();
    assertThat(conflict.getCode()).isEqualTo(409);
    assertThat(conflict.getStatus().getMessage())
        .contains(".spec.listenQueue.somaxconn")
        .contains(MANAGER);
    assertThat(listenQueue(stored())).containsEntry("somaxconn", 4096);
  }

  private GenericKubernetesResource apply(GenericKubernetesResource manifest, String manager) {
    return client
        .genericKubernetesResources(PROFILES)
        .resource(manifest)
        .fieldManager(manager)
        .serverSideApply();
  }

  private GenericKubernetesResource stored() {
    return client.genericKubernetesResources(PROFILES).withName(NAME).get();
  }

  private static GenericKubernetesResource manifest(int somaxconn) {
    return Manifests.parse(MANIFEST.formatted(somaxconn));
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> spec(GenericKubernetesResource resource) {
    return (Map<String, Object>) resource.getAdditionalProperties().get("spec");
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> listenQueue(GenericKubernetesResource resource) {
    return (Map<String, Object>) spec(resource).get("listenQueue");
  }
}
