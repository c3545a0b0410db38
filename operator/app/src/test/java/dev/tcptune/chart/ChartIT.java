package dev.tcptune.chart;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.marcnuri.helm.Helm;
import com.marcnuri.helm.LintResult;
import com.marcnuri.helm.Release;
import dev.tcptune.api.v1alpha1.TcpNodeState;
import dev.tcptune.api.v1alpha1.TcpNodeStateSpec;
import dev.tcptune.api.v1alpha1.TcpProfile;
import dev.tcptune.operator.OperatorConfig;
import dev.tcptune.operator.TcpTuneOperator;
import dev.tcptune.testing.ControlPlane;
import dev.tcptune.testing.OnConflict;
import dev.tcptune.testing.RealApiServer;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The Helm chart (helm/tcptune) as users install it, against the real API server: lint, template,
 * its schema, `helm install`, the restricted Pod Security level of the operator, the RBAC of both
 * service accounts (impersonated), the operator working with its own permissions only, and the
 * per-node admission policy that keeps an agent to its own node's state.
 */
@RealApiServer
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ChartIT {

  private static final Path CHART = ControlPlane.repositoryRoot().resolve("helm/tcptune");
  private static final String NAMESPACE = "tcptune-chart";
  private static final String AGENT = "system:serviceaccount:" + NAMESPACE + ":tcptune-agent";
  private static final String OPERATOR = "system:serviceaccount:" + NAMESPACE + ":tcptune-operator";
  private static final String NODE_NAME = "authentication.kubernetes.io/node-name";

  private KubernetesClient admin;
  private ControlPlane controlPlane;

  @BeforeAll
  void install(KubernetesClient client, ControlPlane controlPlane) {
    this.admin = client;
    this.controlPlane = controlPlane;
    Release release =
        new Helm(CHART)
            .install()
            .withName("tcptune")
            .withNamespace(NAMESPACE)
            .createNamespace()
            .withKubeConfigContents(controlPlane.kubeConfigYaml())
            .call();
    assertThat(release.getStatus()).isEqualTo("deployed");
    for (String node : List.of("chart-node-a", "chart-node-b")) {
      // A state without its Node would be deleted by the operator as an orphan.
      admin
          .nodes()
          .resource(new NodeBuilder().withNewMetadata().withName(node).endMetadata().build())
          .serverSideApply();
      TcpNodeState state = new TcpNodeState();
      state.setMetadata(new ObjectMetaBuilder().withName(node).build());
      state.setSpec(new TcpNodeStateSpec());
      admin.resource(state).serverSideApply();
    }
  }

  @AfterAll
  void uninstall() {
    admin.resources(TcpNodeState.class).withName("chart-node-a").delete();
    admin.resources(TcpNodeState.class).withName("chart-node-b").delete();
    admin.nodes().withName("chart-node-a").delete();
    admin.nodes().withName("chart-node-b").delete();
    Helm.uninstall("tcptune")
        .withNamespace(NAMESPACE)
        .withKubeConfigContents(controlPlane.kubeConfigYaml())
        .call();
  }

  @Test
  void renderedManifestsApplyServerSideAndASecondApplyChangesNothing() {
    String yaml = new Helm(CHART).template().withName("tcptune").withNamespace(NAMESPACE).call();
    List<HasMetadata> rendered = admin.resourceList(yaml).items();
    assertThat(rendered)
        .extracting(HasMetadata::getKind)
        .contains(
            "ServiceAccount",
            "ClusterRole",
            "ClusterRoleBinding",
            "Role",
            "RoleBinding",
            "Deployment",
            "ValidatingAdmissionPolicy",
            "ValidatingAdmissionPolicyBinding");
    Map<String, String> first = applyAll(rendered);
    Map<String, String> second = applyAll(rendered);
    assertThat(second).as("resourceVersions after the second apply").isEqualTo(first);
  }

  /** Server-side apply, as a GitOps tool does; resourceVersion by kind/namespace/name. */
  private Map<String, String> applyAll(List<HasMetadata> objects) {
    Map<String, String> versions = new java.util.TreeMap<>();
    for (HasMetadata object : objects) {
      HasMetadata applied =
          admin.resource(object).fieldManager("tcptune-gitops").forceConflicts().serverSideApply();
      versions.put(
          object.getKind()
              + "/"
              + object.getMetadata().getNamespace()
              + "/"
              + object.getMetadata().getName(),
          applied.getMetadata().getResourceVersion());
    }
    return versions;
  }

  @Test
  void lintsStrictly() {
    LintResult lint = new Helm(CHART).lint().strict().call();
    assertThat(lint.isFailed()).as(String.join("\n", lint.getMessages())).isFalse();
  }

  @Test
  void crdsAreTheRepositorysOwn() throws Exception {
    Path repo = ControlPlane.repositoryRoot().resolve("crds");
    try (Stream<Path> files = Files.list(repo)) {
      for (Path crd : files.toList()) {
        assertThat(CHART.resolve("crds").resolve(crd.getFileName()))
            .as("helm/tcptune/crds is stale: run hack/update-crds.sh")
            .hasSameTextualContentAs(crd);
      }
    }
    try (Stream<Path> files = Files.list(CHART.resolve("crds"))) {
      assertThat(files.count()).isEqualTo(Files.list(repo).count());
    }
  }

  @Test
  void operatorRunsUnderTheRestrictedPodSecurityLevel() {
    Deployment deployment =
        admin.apps().deployments().inNamespace(NAMESPACE).withName("tcptune-operator").get();
    assertThat(deployment.getSpec().getReplicas()).isEqualTo(2);
    PodSpec spec = deployment.getSpec().getTemplate().getSpec();
    Container operator = spec.getContainers().get(0);
    assertThat(operator.getEnv())
        .anySatisfy(
            e -> {
              assertThat(e.getName()).isEqualTo("TCPTUNE_LEADER_ELECTION");
              assertThat(e.getValue()).isEqualTo("true");
            });

    String restricted = "chart-restricted";
    admin
        .namespaces()
        .resource(
            new NamespaceBuilder()
                .withNewMetadata()
                .withName(restricted)
                .withLabels(Map.of("pod-security.kubernetes.io/enforce", "restricted"))
                .endMetadata()
                .build())
        .serverSideApply();
    Pod pod =
        new PodBuilder()
            .withNewMetadata()
            .withName("operator-pod")
            .withNamespace(restricted)
            .endMetadata()
            .withSpec(spec)
            .build();
    // The API server's PodSecurity admission judges the pod; dry run stores nothing.
    Pod admitted = admin.pods().inNamespace(restricted).resource(pod).dryRun().create();
    assertThat(admitted.getMetadata().getName()).isEqualTo("operator-pod");

    // A pod as the agent DaemonSet runs it would be refused there: the check is real.
    Pod hostNetwork =
        new PodBuilder(pod)
            .editMetadata()
            .withName("host-network-pod")
            .endMetadata()
            .editSpec()
            .withHostNetwork(true)
            .endSpec()
            .build();
    assertThatThrownBy(
            () -> admin.pods().inNamespace(restricted).resource(hostNetwork).dryRun().create())
        .hasMessageContaining("violates PodSecurity \"restricted");
  }

  @Test
  void schemaRefusesBadValues() {
    assertThatThrownBy(() -> new Helm(CHART).template().set("operator.replicas", 0).call())
        .hasMessageContaining("operator.replicas")
        .hasMessageContaining("Must be greater than or equal to 1");
    assertThatThrownBy(
            () -> new Helm(CHART).template().set("agent.checkInterval", "30 seconds").call())
        .hasMessageContaining("agent.checkInterval")
        .hasMessageContaining("Does not match pattern");
    assertThatThrownBy(() -> new Helm(CHART).template().set("image.pullPolicy", "Sometimes").call())
        .hasMessageContaining("image.pullPolicy")
        .hasMessageContaining("must be one of");
    assertThatThrownBy(() -> new Helm(CHART).template().set("agent.privilege", true).call())
        .hasMessageContaining("privilege")
        .hasMessageContaining("Additional property");
  }

  @Test
  void nonDefaultValuesReachTheOperatorsConfiguration() {
    String yaml =
        new Helm(CHART)
            .template()
            .withNamespace("ops")
            .set("agent.privileged", true)
            .set("agent.checkInterval", "PT10S")
            .set("agent.nodeSelector.pool", "web")
            .set("image.repository", "registry.example/tcptune")
            .set("image.tag", "1.2.3")
            .set("serviceMonitor.enabled", true)
            .set("namespace.create", true)
            .call();
    List<HasMetadata> objects = parse(yaml);
    Deployment deployment =
        objects.stream()
            .filter(Deployment.class::isInstance)
            .map(Deployment.class::cast)
            .findFirst()
            .orElseThrow();
    Map<String, String> env =
        deployment.getSpec().getTemplate().getSpec().getContainers().get(0).getEnv().stream()
            .filter(e -> e.getValue() != null)
            .collect(java.util.stream.Collectors.toMap(e -> e.getName(), e -> e.getValue()));
    assertThat(env)
        .containsEntry("TCPTUNE_AGENT_PRIVILEGED", "true")
        .containsEntry("TCPTUNE_AGENT_CHECK_INTERVAL", "PT10S")
        .containsEntry("TCPTUNE_AGENT_NODE_SELECTOR", "pool=web")
        .containsEntry("TCPTUNE_AGENT_IMAGE", "registry.example/tcptune:1.2.3");
    // What the operator reads from that environment is valid configuration.
    OperatorConfig config = OperatorConfig.fromEnvironment(env);
    assertThat(config.agent().checkInterval()).isEqualTo(Duration.ofSeconds(10));
    assertThat(objects).extracting(HasMetadata::getKind).contains("ServiceMonitor", "Namespace");
    assertThat(
            objects.stream()
                .filter(o -> o.getKind().equals("Namespace"))
                .findFirst()
                .orElseThrow()
                .getMetadata()
                .getLabels())
        .containsEntry("pod-security.kubernetes.io/enforce", "privileged");
  }

  @Test
  void anAgentsRealTokenMayWriteItsOwnNodesStatusAndNothingElse() {
    try (KubernetesClient agent = withToken(agentToken("chart-node-a"))) {
      assertThat(agent.resources(TcpNodeState.class).withName("chart-node-a").get()).isNotNull();
      patchStatus(agent, "chart-node-a");

      List<Runnable> denied =
          List.of(
              () -> agent.secrets().inNamespace(NAMESPACE).list(),
              () -> agent.secrets().inNamespace("kube-system").list(),
              () -> agent.configMaps().inNamespace(NAMESPACE).list(),
              () -> agent.pods().inNamespace(NAMESPACE).list(),
              () -> agent.nodes().list(),
              () -> agent.nodes().withName("chart-node-a").edit(n -> n),
              () -> agent.namespaces().list(),
              () -> agent.serviceAccounts().inNamespace(NAMESPACE).list(),
              () -> agent.apps().daemonSets().inNamespace(NAMESPACE).list(),
              () -> agent.apps().deployments().inNamespace(NAMESPACE).list(),
              () -> agent.leases().inNamespace(NAMESPACE).list(),
              () -> agent.rbac().clusterRoles().list(),
              () -> agent.resources(TcpProfile.class).list(),
              () -> agent.resources(TcpProfile.class).resource(profile("forged")).create(),
              () -> agent.resources(TcpNodeState.class).withName("chart-node-a").delete(),
              () ->
                  agent
                      .resources(TcpNodeState.class)
                      .withName("chart-node-a")
                      .edit(
                          s -> {
                            s.getSpec().setProfiles(List.of("forged"));
                            return s;
                          }));
      for (Runnable call : denied) {
        assertForbidden(call);
      }
      // Another node's status passes RBAC but not the per-node policy (see below).
      assertThatThrownBy(() -> patchStatus(agent, "chart-node-b"))
          .hasMessageContaining("may only write TcpNodeState chart-node-a");
    }
  }

  @Test
  void anAgentIsKeptToItsOwnNodesState() {
    try (KubernetesClient agentA = withToken(agentToken("chart-node-a"))) {
      // The policy becomes active a moment after install.
      await("the per-node policy active")
          .atMost(Duration.ofSeconds(30))
          .ignoreExceptions()
          .untilAsserted(
              () ->
                  assertThatThrownBy(() -> patchStatus(agentA, "chart-node-b"))
                      .hasMessageContaining(
                          "the agent of node chart-node-a may only write TcpNodeState"
                              + " chart-node-a, not chart-node-b"));
      patchStatus(agentA, "chart-node-a");
    }
    try (KubernetesClient agentB = withToken(agentToken("chart-node-b"))) {
      patchStatus(agentB, "chart-node-b");
      assertThatThrownBy(() -> patchStatus(agentB, "chart-node-a"))
          .hasMessageContaining("may only write TcpNodeState chart-node-b, not chart-node-a");
    }
    // A token of the agent's account not bound to a pod on a node carries no node name.
    try (KubernetesClient unbound = withToken(token(null))) {
      assertThatThrownBy(() -> patchStatus(unbound, "chart-node-a"))
          .hasMessageContaining("carries no node name");
    }
    // Anyone else (the operator, an admin) is not judged by it.
    patchStatus(admin, "chart-node-b");
  }

  @Test
  void operatorWorksWithItsOwnPermissionsOnly() throws Exception {
    try (KubernetesClient operatorClient = as(OPERATOR, null);
        TcpTuneOperator operator =
            TcpTuneOperator.start(
                operatorClient,
                OperatorConfig.fromEnvironment(
                    Map.of(
                        "TCPTUNE_NAMESPACE", NAMESPACE,
                        "POD_NAME", "chart-operator",
                        "TCPTUNE_PROBE_PORT", "0",
                        "TCPTUNE_LEASE_DURATION", "PT4S")),
                Clock.systemUTC(),
                false)) {
      assertForbidden(() -> operatorClient.secrets().inNamespace(NAMESPACE).list());
      admin
          .nodes()
          .resource(
              new NodeBuilder()
                  .withNewMetadata()
                  .withName("chart-node-c")
                  .withLabels(Map.of("chart-test", "yes"))
                  .endMetadata()
                  .build())
          .serverSideApply();
      TcpProfile profile = profile("chart-profile");
      admin.resource(profile).serverSideApply();
      try {
        await("the operator, as its service account, writing the node's state and the status")
            .atMost(Duration.ofSeconds(60))
            .ignoreExceptions()
            .untilAsserted(
                () -> {
                  TcpNodeState state =
                      admin.resources(TcpNodeState.class).withName("chart-node-c").get();
                  assertThat(state.getSpec().getProfiles()).containsExactly("chart-profile");
                  TcpProfile written =
                      admin.resources(TcpProfile.class).withName("chart-profile").get();
                  assertThat(written.getStatus().getMatchedNodes()).isEqualTo(1);
                  assertThat(written.getMetadata().getFinalizers()).isNotEmpty();
                  assertThat(
                          admin
                              .apps()
                              .daemonSets()
                              .inNamespace(NAMESPACE)
                              .withName("tcptune-agent")
                              .get())
                      .isNotNull();
                  assertThat(
                          admin
                              .leases()
                              .inNamespace(NAMESPACE)
                              .withName("tcptune-operator")
                              .get()
                              .getSpec()
                              .getHolderIdentity())
                      .isEqualTo("chart-operator");
                });
      } finally {
        admin.resource(profile).withGracePeriod(0).delete();
        // The operator still works on the deleted profile (status, its own finalizer): retry on
        // 409, and stop once the profile is gone.
        OnConflict.retry(
            () -> {
              if (admin.resources(TcpProfile.class).withName("chart-profile").get() != null) {
                admin
                    .resources(TcpProfile.class)
                    .withName("chart-profile")
                    .edit(
                        p -> {
                          p.getMetadata().setFinalizers(List.of());
                          return p;
                        });
              }
            });
        admin.nodes().withName("chart-node-c").delete();
        admin.resources(TcpNodeState.class).withName("chart-node-c").delete();
      }
    }
  }

  // --- helpers -----------------------------------------------------------------------------

  /**
   * The agent's token as the kubelet gets it for a pod on {@code node}: a TokenRequest bound to a
   * Pod object scheduled there (no kubelet needed), which gives the token the node's name.
   */
  private String agentToken(String node) {
    String name = "agent-" + node;
    Pod pod =
        admin
            .pods()
            .inNamespace(NAMESPACE)
            .resource(
                new PodBuilder()
                    .withNewMetadata()
                    .withName(name)
                    .endMetadata()
                    .withNewSpec()
                    .withServiceAccountName("tcptune-agent")
                    .withNodeName(node)
                    .addNewContainer()
                    .withName("agent")
                    .withImage("tcptune:test")
                    .endContainer()
                    .endSpec()
                    .build())
            .createOr(existing -> existing.update());
    return token(pod);
  }

  private String token(Pod boundTo) {
    var request =
        new io.fabric8.kubernetes.api.model.authentication.TokenRequestBuilder()
            .withNewSpec()
            .withExpirationSeconds(600L);
    if (boundTo != null) {
      request =
          request
              .withNewBoundObjectRef()
              .withApiVersion("v1")
              .withKind("Pod")
              .withName(boundTo.getMetadata().getName())
              .withUid(boundTo.getMetadata().getUid())
              .endBoundObjectRef();
    }
    return admin
        .serviceAccounts()
        .inNamespace(NAMESPACE)
        .withName("tcptune-agent")
        .tokenRequest(request.endSpec().build())
        .getStatus()
        .getToken();
  }

  /** A client that authenticates with {@code token} alone, as a pod does. */
  private KubernetesClient withToken(String token) {
    Config config = Config.fromKubeconfig(controlPlane.kubeConfigYaml());
    config.setClientCertData(null);
    config.setClientCertFile(null);
    config.setClientKeyData(null);
    config.setClientKeyFile(null);
    config.setOauthToken(token);
    return new KubernetesClientBuilder().withConfig(config).build();
  }

  /** A client for {@code user} in the service-account groups, with the node name of its token. */
  private KubernetesClient as(String user, String nodeName) {
    Config config = Config.fromKubeconfig(controlPlane.kubeConfigYaml());
    config.setImpersonateUsername(user);
    config.setImpersonateGroups(
        "system:serviceaccounts", "system:serviceaccounts:" + NAMESPACE, "system:authenticated");
    if (nodeName != null) {
      // The key travels in a header name, where '/' must be percent-encoded (the API server
      // decodes it).
      config.setImpersonateExtras(Map.of(NODE_NAME.replace("/", "%2F"), List.of(nodeName)));
    }
    return new KubernetesClientBuilder().withConfig(config).build();
  }

  /** The agent's own write: a JSON merge patch of the status subresource. */
  private static void patchStatus(KubernetesClient client, String node) {
    client
        .resources(TcpNodeState.class)
        .withName(node)
        .subresource("status")
        .patch(
            io.fabric8.kubernetes.client.dsl.base.PatchContext.of(
                io.fabric8.kubernetes.client.dsl.base.PatchType.JSON_MERGE),
            "{\"status\":{\"kernelVersion\":\"6.18.0\"}}");
  }

  private static TcpProfile profile(String name) {
    return Serialization.unmarshal(
        """
        apiVersion: tcptune.dev/v1alpha1
        kind: TcpProfile
        metadata: {name: %s}
        spec:
          nodeSelector: {matchLabels: {chart-test: "yes"}}
          mode: Audit
          listenQueue: {somaxconn: 4096}
        """
            .formatted(name),
        TcpProfile.class);
  }

  private static void assertForbidden(Runnable call) {
    assertThatThrownBy(call::run)
        .isInstanceOf(KubernetesClientException.class)
        .satisfies(e -> assertThat(((KubernetesClientException) e).getCode()).isEqualTo(403));
  }

  private static List<HasMetadata> parse(String yaml) {
    return Stream.of(yaml.split("(?m)^---\\s*$"))
        .filter(doc -> doc.lines().anyMatch(l -> l.startsWith("kind:")))
        .map(doc -> (HasMetadata) Serialization.unmarshal(doc, HasMetadata.class))
        .map(o -> o instanceof GenericKubernetesResource g ? g : o)
        .toList();
  }
}
