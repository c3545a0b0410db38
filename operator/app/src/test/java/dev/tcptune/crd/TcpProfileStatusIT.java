package dev.tcptune.crd;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tcptune.api.v1alpha1.ListenQueueSettings;
import dev.tcptune.api.v1alpha1.TcpProfile;
import dev.tcptune.api.v1alpha1.TcpProfileSpec;
import dev.tcptune.api.v1alpha1.TcpProfileStatus;
import dev.tcptune.testing.RealApiServer;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import java.time.Duration;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The status subresource of TcpProfile on a real API server: the operator can write status without
 * bumping metadata.generation (so observedGeneration means something), and users cannot forge a
 * status by writing the main resource.
 */
@RealApiServer
class TcpProfileStatusIT {

  private static final String NAME = "status-subresource";

  private final KubernetesClient client;

  TcpProfileStatusIT(KubernetesClient client) {
    this.client = client;
  }

  @AfterEach
  void deleteProfile() {
    client.resources(TcpProfile.class).withName(NAME).delete();
    Awaitility.await("deletion of " + NAME)
        .atMost(Duration.ofSeconds(30))
        .until(() -> client.resources(TcpProfile.class).withName(NAME).get() == null);
  }

  @Test
  void specUpdateBumpsGenerationAndStatusUpdateDoesNot() {
    TcpProfile created = client.resource(profile(4096)).create();
    assertThat(created.getMetadata().getGeneration()).isEqualTo(1L);

    created.getSpec().getListenQueue().setSomaxconn(8192);
    TcpProfile specUpdated = client.resource(created).update();
    assertThat(specUpdated.getMetadata().getGeneration()).isEqualTo(2L);

    specUpdated.setStatus(status(2L, 3));
    TcpProfile statusUpdated = client.resource(specUpdated).updateStatus();

    assertThat(statusUpdated.getMetadata().getResourceVersion())
        .as("a status write is a write")
        .isNotEqualTo(specUpdated.getMetadata().getResourceVersion());
    TcpProfile stored = client.resources(TcpProfile.class).withName(NAME).get();
    assertThat(stored.getMetadata().getGeneration())
        .as("generation after status write")
        .isEqualTo(2L);
    assertThat(stored.getStatus().getObservedGeneration()).isEqualTo(2L);
    assertThat(stored.getStatus().getMatchedNodes()).isEqualTo(3);
    assertThat(stored.getSpec().getListenQueue().getSomaxconn()).isEqualTo(8192);
  }

  @Test
  void statusSentWithCreateIsNotStored() {
    TcpProfile withStatus = profile(4096);
    withStatus.setStatus(status(1L, 7));

    client.resource(withStatus).create();

    assertThat(raw().getAdditionalProperties()).as("stored object").doesNotContainKey("status");
  }

  @Test
  void statusSentThroughMainResourceIsIgnored() {
    TcpProfile created = client.resource(profile(4096)).create();
    created.setStatus(status(1L, 3));
    TcpProfile withStatus = client.resource(created).updateStatus();

    withStatus.setStatus(status(1L, 99));
    client.resource(withStatus).update();

    TcpProfile stored = client.resources(TcpProfile.class).withName(NAME).get();
    assertThat(stored.getStatus().getMatchedNodes())
        .as("status after a main-resource update")
        .isEqualTo(3);
    assertThat(stored.getMetadata().getGeneration()).isEqualTo(1L);
  }

  @Test
  void specSentThroughStatusSubresourceIsIgnored() {
    TcpProfile created = client.resource(profile(4096)).create();

    created.getSpec().getListenQueue().setSomaxconn(16384);
    created.setStatus(status(1L, 2));
    client.resource(created).updateStatus();

    TcpProfile stored = client.resources(TcpProfile.class).withName(NAME).get();
    assertThat(stored.getSpec().getListenQueue().getSomaxconn()).isEqualTo(4096);
    assertThat(stored.getMetadata().getGeneration()).isEqualTo(1L);
    assertThat(stored.getStatus().getMatchedNodes()).isEqualTo(2);
  }

  private GenericKubernetesResource raw() {
    return client
        .genericKubernetesResources(ResourceDefinitionContext.fromResourceType(TcpProfile.class))
        .withName(NAME)
        .get();
  }

  private static TcpProfile profile(int somaxconn) {
    ListenQueueSettings listenQueue = new ListenQueueSettings();
    listenQueue.setSomaxconn(somaxconn);
    TcpProfileSpec spec = new TcpProfileSpec();
    spec.setListenQueue(listenQueue);
    TcpProfile profile = new TcpProfile();
    profile.setMetadata(new ObjectMetaBuilder().withName(NAME).build());
    profile.setSpec(spec);
    return profile;
  }

  private static TcpProfileStatus status(long observedGeneration, int matchedNodes) {
    TcpProfileStatus status = new TcpProfileStatus();
    status.setObservedGeneration(observedGeneration);
    status.setMatchedNodes(matchedNodes);
    status.setAppliedNodes(matchedNodes);
    status.setDriftedNodes(0);
    status.setFailedNodes(0);
    return status;
  }
}
