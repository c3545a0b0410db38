package dev.tcptune.testing;

import com.marcnuri.helm.Helm;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.authentication.TokenRequestBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;

/**
 * The operator's identity as the Helm chart gives it: the chart's service accounts and RBAC of
 * release {@code release} installed in a namespace (rendered with Helm, applied server-side; the
 * operator Deployment left out, as the tests run the operator themselves), and a kubeconfig with a
 * real token of the operator's ServiceAccount, so that tests run the operator with the permissions
 * it has in a cluster, never as admin.
 */
public final class OperatorAccount {

  private OperatorAccount() {}

  /** Installs the chart's accounts and RBAC; returns a kubeconfig of the operator's account. */
  public static String install(ControlPlane controlPlane, String release, String namespace) {
    KubernetesClient admin = controlPlane.adminClient();
    admin
        .namespaces()
        .resource(
            new NamespaceBuilder().withNewMetadata().withName(namespace).endMetadata().build())
        .serverSideApply();
    String yaml =
        new Helm(ControlPlane.repositoryRoot().resolve("helm/tcptune"))
            .template()
            .withName(release)
            .withNamespace(namespace)
            .call();
    for (HasMetadata object : admin.resourceList(yaml).items()) {
      if (!object.getKind().equals("Deployment")) {
        admin.resource(object).fieldManager("tcptune-tests").forceConflicts().serverSideApply();
      }
    }
    String token =
        admin
            .serviceAccounts()
            .inNamespace(namespace)
            .withName("tcptune-operator")
            .tokenRequest(
                new TokenRequestBuilder()
                    .withNewSpec()
                    .withExpirationSeconds(3600L)
                    .endSpec()
                    .build())
            .getStatus()
            .getToken();
    Config config = admin.getConfiguration();
    String ca = config.getCaCertData();
    if (ca == null) {
      try {
        ca =
            java.util.Base64.getEncoder()
                .encodeToString(
                    java.nio.file.Files.readAllBytes(
                        java.nio.file.Path.of(config.getCaCertFile())));
      } catch (java.io.IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    }
    return """
        apiVersion: v1
        kind: Config
        clusters:
        - name: local
          cluster:
            server: %s
            certificate-authority-data: %s
        users:
        - name: tcptune-operator
          user:
            token: %s
        contexts:
        - name: local
          context: {cluster: local, user: tcptune-operator}
        current-context: local
        """
        .formatted(config.getMasterUrl(), ca, token);
  }
}
