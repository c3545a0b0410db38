package dev.tcptune.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.tcptune.api.TcpTuneApi;
import dev.tcptune.api.v1alpha1.ListenQueueSettings;
import dev.tcptune.api.v1alpha1.TcpProfile;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBinding;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBindingBuilder;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.time.Duration;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * The harness's way to check RBAC: a client that acts as a ServiceAccount gets exactly what the API
 * server's RBAC authorizer allows that ServiceAccount, nothing more.
 */
@RealApiServer
class ServiceAccountImpersonationIT {

  private static final String NAMESPACE = "tcptune-it";

  @Test
  void serviceAccountWithoutRolesIsForbidden(ControlPlane controlPlane) {
    try (KubernetesClient nobody = controlPlane.clientAsServiceAccount(NAMESPACE, "nobody")) {
      KubernetesClientException refusal =
          catchThrowableOfType(
              KubernetesClientException.class, () -> nobody.resources(TcpProfile.class).list());

      assertThat(refusal).as("list of tcpprofiles by a ServiceAccount without roles").isNotNull();
      assertThat(refusal.getCode()).isEqualTo(403);
      assertThat(refusal.getStatus().getMessage())
          .contains("system:serviceaccount:" + NAMESPACE + ":nobody")
          .contains("cannot list resource \"tcpprofiles\"");
    }
  }

  @Test
  void serviceAccountGetsWhatItsClusterRoleAllowsAndNothingElse(
      ControlPlane controlPlane, KubernetesClient admin) {
    ClusterRole role =
        new ClusterRoleBuilder()
            .withMetadata(new ObjectMetaBuilder().withName("tcptune-it-profile-reader").build())
            .addNewRule()
            .withApiGroups(TcpTuneApi.GROUP)
            .withResources("tcpprofiles")
            .withVerbs("get", "list", "watch")
            .endRule()
            .build();
    ClusterRoleBinding binding =
        new ClusterRoleBindingBuilder()
            .withMetadata(new ObjectMetaBuilder().withName("tcptune-it-profile-reader").build())
            .withNewRoleRef(
                "rbac.authorization.k8s.io", "ClusterRole", role.getMetadata().getName())
            .addNewSubject()
            .withKind("ServiceAccount")
            .withNamespace(NAMESPACE)
            .withName("reader")
            .endSubject()
            .build();
    admin.resource(role).create();
    admin.resource(binding).create();
    try (KubernetesClient reader = controlPlane.clientAsServiceAccount(NAMESPACE, "reader")) {
      Awaitility.await("RBAC of the reader ServiceAccount in effect")
          .atMost(Duration.ofSeconds(30))
          .ignoreException(KubernetesClientException.class)
          .until(() -> reader.resources(TcpProfile.class).list().getItems() != null);

      KubernetesClientException refusal =
          catchThrowableOfType(
              KubernetesClientException.class, () -> reader.resource(profile()).create());

      assertThat(refusal).as("create by a read-only ServiceAccount").isNotNull();
      assertThat(refusal.getCode()).isEqualTo(403);
      assertThat(refusal.getStatus().getMessage())
          .contains("cannot create resource \"tcpprofiles\"");
      assertThat(admin.resources(TcpProfile.class).withName("impersonation-check").get()).isNull();
    } finally {
      admin.resource(binding).delete();
      admin.resource(role).delete();
    }
  }

  private static TcpProfile profile() {
    ListenQueueSettings listenQueue = new ListenQueueSettings();
    listenQueue.setSomaxconn(4096);
    TcpProfile profile = new TcpProfile();
    profile.setMetadata(new ObjectMetaBuilder().withName("impersonation-check").build());
    profile.getSpec().setListenQueue(listenQueue);
    return profile;
  }
}
