package dev.tcptune.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.tcptune.agent.AgentNode;
import dev.tcptune.api.v1alpha1.TcpNodeState;
import dev.tcptune.api.v1alpha1.TcpProfile;
import dev.tcptune.kernel.testing.TestNetns;
import dev.tcptune.operator.OperatorConfig;
import dev.tcptune.operator.TcpTuneOperator;
import dev.tcptune.testing.ControlPlane;
import dev.tcptune.testing.OnConflict;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.UnaryOperator;
import org.awaitility.core.ThrowingRunnable;

/**
 * What the end-to-end tests run against: the operator in process on the real API server, and
 * "nodes", each a Node object plus a network namespace with a real agent process in it. Everything
 * it creates carries the label {@link #TEST_LABEL} with the value given to {@link #start}, so that
 * test classes never see each other's objects; {@link #close()} removes it all (profiles first,
 * while the agents run and can restore).
 */
final class E2eCluster implements AutoCloseable {

  static final String TEST_LABEL = "it.tcptune.dev/test";

  /** The label the test profiles select on. */
  static final String POOL = "e2e-pool";

  static final String SOMAXCONN = "net.core.somaxconn";
  static final String KEEPALIVE_TIME = "net.ipv4.tcp_keepalive_time";
  static final String KEEPALIVE_INTVL = "net.ipv4.tcp_keepalive_intvl";
  static final String FIN_TIMEOUT = "net.ipv4.tcp_fin_timeout";

  /** Every key a test of this package sets: a node is restored when all are as before. */
  static final List<String> KEYS = List.of(SOMAXCONN, KEEPALIVE_TIME, KEEPALIVE_INTVL, FIN_TIMEOUT);

  /** Check interval of the agents; drift must be corrected within it. */
  static final Duration CHECK = Duration.ofSeconds(1);

  /** One check interval, plus the check itself and polling on a busy 2-core machine. */
  static final Duration WITHIN_ONE_CHECK = CHECK.plusSeconds(4);

  /** Time for agent JVMs to start, connect and apply on a busy machine. */
  static final Duration START = Duration.ofSeconds(120);

  static final Duration WAIT = Duration.ofSeconds(60);

  static final String NAMESPACE = "tcptune-e2e";

  private final KubernetesClient client;
  private final ControlPlane controlPlane;
  private final String run;
  private final TcpTuneOperator operator;
  private final List<AgentNode> nodes = new ArrayList<>();
  private final Map<String, Map<String, String>> before = new LinkedHashMap<>();

  private E2eCluster(
      KubernetesClient client, ControlPlane controlPlane, String run, TcpTuneOperator operator) {
    this.client = client;
    this.controlPlane = controlPlane;
    this.run = run;
    this.operator = operator;
  }

  /** Starts the operator; {@code run} labels every object of the calling test class. */
  static E2eCluster start(KubernetesClient client, ControlPlane controlPlane, String run)
      throws Exception {
    createNamespace(client);
    TcpTuneOperator operator =
        TcpTuneOperator.start(
            client,
            OperatorConfig.fromEnvironment(
                Map.of(
                    "TCPTUNE_NAMESPACE", NAMESPACE,
                    "POD_NAME", "e2e-operator-" + run,
                    "TCPTUNE_LEADER_ELECTION", "false",
                    "TCPTUNE_PROBE_PORT", "0",
                    "TCPTUNE_RESTORE_TIMEOUT", "PT2M")),
            Clock.systemUTC(),
            false);
    return new E2eCluster(client, controlPlane, run, operator);
  }

  /**
   * Nodes and profiles without an operator in this JVM: the caller runs operator processes (see
   * {@link OperatorProcess}) in {@link #NAMESPACE}.
   */
  static E2eCluster withoutOperator(
      KubernetesClient client, ControlPlane controlPlane, String run) {
    createNamespace(client);
    return new E2eCluster(client, controlPlane, run, null);
  }

  private static void createNamespace(KubernetesClient client) {
    client
        .namespaces()
        .resource(
            new NamespaceBuilder().withNewMetadata().withName(NAMESPACE).endMetadata().build())
        .serverSideApply();
  }

  KubernetesClient client() {
    return client;
  }

  // --- nodes -----------------------------------------------------------------------------------

  /**
   * A node in {@code pool}: its namespace's values of {@link #KEYS} are recorded, then its Node
   * object is created. Its agent is not started yet (see {@link #startAgent}).
   */
  AgentNode addNode(TestNetns netns, Path dir, String pool) throws Exception {
    AgentNode node =
        new AgentNode(netns, controlPlane, Files.createDirectories(dir.resolve(netns.name())));
    nodes.add(node);
    before.put(node.name(), values(node));
    register(node, pool);
    return node;
  }

  /** Creates the node's Node object in {@code pool}, as a kubelet registering its node does. */
  void register(AgentNode node, String pool) {
    client
        .nodes()
        .resource(
            new NodeBuilder()
                .withNewMetadata()
                .withName(node.name())
                .withLabels(Map.of(TEST_LABEL, run, POOL, pool))
                .endMetadata()
                .build())
        .create();
  }

  /** Starts the node's agent, checking every {@link #CHECK}. */
  static Process startAgent(AgentNode node) throws Exception {
    return node.startAgent("--check-interval", CHECK.toSeconds() + "s");
  }

  /** Moves a node to another pool, as {@code kubectl label --overwrite} does. */
  void relabel(AgentNode node, String pool) {
    OnConflict.retry(
        () ->
            client
                .nodes()
                .withName(node.name())
                .edit(
                    n -> {
                      n.getMetadata().getLabels().put(POOL, pool);
                      return n;
                    }));
  }

  /** The values of {@link #KEYS} the node had before the test touched it. */
  Map<String, String> before(AgentNode node) {
    return before.get(node.name());
  }

  /** The node's values of {@link #KEYS}, read from its namespace. */
  static Map<String, String> values(AgentNode node) {
    return values(node, KEYS);
  }

  /** The node's values of {@code keys}, read from its namespace. */
  static Map<String, String> values(AgentNode node, List<String> keys) {
    Map<String, String> values = new LinkedHashMap<>();
    for (String key : keys) {
      values.put(key, node.sysctl(key));
    }
    return values;
  }

  /** The node's values of {@link #KEYS}, with {@code changes} on top of what it had before. */
  Map<String, String> beforeWith(AgentNode node, Map<String, String> changes) {
    Map<String, String> expected = new LinkedHashMap<>(before(node));
    expected.putAll(changes);
    return expected;
  }

  // --- profiles --------------------------------------------------------------------------------

  /**
   * Applies (server-side) the profile {@code name} with {@code spec}, YAML lines of its spec
   * indented by two spaces; creates it or changes it.
   */
  void profile(String name, String... spec) {
    String yaml =
        """
        apiVersion: tcptune.dev/v1alpha1
        kind: TcpProfile
        metadata: {name: %s, labels: {%s: %s}}
        spec:
          %s
        """
            .formatted(name, TEST_LABEL, run, String.join("\n  ", spec));
    TcpProfile profile = Serialization.unmarshal(yaml, TcpProfile.class);
    OnConflict.retry(() -> client.resource(profile).serverSideApply());
  }

  /** Changes a profile's spec with a read-modify-write, as {@code kubectl edit} does. */
  void editProfile(String name, UnaryOperator<TcpProfile> edit) {
    OnConflict.retry(() -> client.resources(TcpProfile.class).withName(name).edit(edit));
  }

  TcpProfile get(String profile) {
    return client.resources(TcpProfile.class).withName(profile).get();
  }

  Condition condition(String profile, String type) {
    TcpProfile p = get(profile);
    assertThat(p).as(profile).isNotNull();
    assertThat(p.getStatus()).as(profile + " status").isNotNull();
    return find(p.getStatus().getConditions(), type)
        .orElseThrow(() -> new AssertionError(profile + " has no " + type + " condition"));
  }

  static Condition nodeCondition(TcpNodeState state, String type) {
    return find(state.getStatus().getConditions(), type)
        .orElseThrow(() -> new AssertionError("no condition " + type));
  }

  private static Optional<Condition> find(List<Condition> conditions, String type) {
    return conditions.stream().filter(c -> type.equals(c.getType())).findFirst();
  }

  /** The Events of this very profile (by uid), where {@code kubectl describe} finds them. */
  List<Event> events(String profile) {
    String uid = get(profile).getMetadata().getUid();
    return client.v1().events().inNamespace("default").list().getItems().stream()
        .filter(e -> uid.equals(e.getInvolvedObject().getUid()))
        .toList();
  }

  /**
   * Every node of {@code selected} reports Applied for its current spec, which carries the
   * profile's current generation, and the profile counts them, describes that generation and is
   * Ready.
   */
  void awaitApplied(String profile, AgentNode... selected) {
    awaitAsserted(
        START,
        () -> {
          TcpProfile p = get(profile);
          long generation = p.getMetadata().getGeneration();
          for (AgentNode node : selected) {
            TcpNodeState state = node.state();
            assertThat(state).as(node.name()).isNotNull();
            assertThat(state.getSpec().getProfileGenerations())
                .as(node.name())
                .containsEntry(profile, generation);
            assertThat(state.getStatus()).as(node.name()).isNotNull();
            assertThat(state.getStatus().getObservedGeneration())
                .as(node.name())
                .isEqualTo(state.getMetadata().getGeneration());
            assertThat(nodeCondition(state, "Applied").getStatus())
                .as(node.name())
                .isEqualTo("True");
          }
          var status = p.getStatus();
          assertThat(status.getObservedGeneration()).isEqualTo(generation);
          assertThat(status.getMatchedNodes()).isEqualTo(selected.length);
          assertThat(status.getAppliedNodes()).isEqualTo(selected.length);
          assertThat(condition(profile, "Ready").getStatus()).isEqualTo("True");
        });
  }

  /** Awaits {@code assertion}; on timeout the message shows every profile, node state and log. */
  void awaitAsserted(Duration within, ThrowingRunnable assertion) {
    try {
      await()
          .atMost(within)
          .pollInterval(Duration.ofMillis(200))
          .ignoreExceptions()
          .untilAsserted(assertion);
    } catch (AssertionError | RuntimeException e) {
      StringBuilder context = new StringBuilder(String.valueOf(e.getMessage()));
      for (TcpProfile p :
          client.resources(TcpProfile.class).withLabel(TEST_LABEL, run).list().getItems()) {
        context.append("\n").append(Serialization.asYaml(p));
      }
      for (AgentNode node : nodes) {
        context
            .append("\n")
            .append(node.name())
            .append(": ")
            .append(Serialization.asYaml(node.state()));
        context.append(node.logs());
      }
      throw new AssertionError(context.toString(), e);
    }
  }

  // --- cleanup ---------------------------------------------------------------------------------

  /**
   * Deletes every profile of this run and waits until the operator released them (the nodes
   * restored); after a failure a finalizer that is never released is dropped.
   */
  void deleteProfiles() {
    client.resources(TcpProfile.class).withLabel(TEST_LABEL, run).delete();
    try {
      await("profiles released by the operator")
          .atMost(WAIT)
          .until(
              () ->
                  client
                      .resources(TcpProfile.class)
                      .withLabel(TEST_LABEL, run)
                      .list()
                      .getItems()
                      .isEmpty());
    } finally {
      for (TcpProfile p :
          client.resources(TcpProfile.class).withLabel(TEST_LABEL, run).list().getItems()) {
        editProfile(
            p.getMetadata().getName(),
            x -> {
              x.getMetadata().setFinalizers(List.of());
              return x;
            });
      }
    }
  }

  /** Removes {@code node}: its Node object, its agent and relay, and its TcpNodeState. */
  void removeNode(AgentNode node) throws Exception {
    try {
      client.nodes().withName(node.name()).delete();
    } finally {
      nodes.remove(node);
      before.remove(node.name());
      node.close();
    }
  }

  /** Deletes every profile, then every Node object and agent of this run. */
  void removeAll() throws Exception {
    try {
      deleteProfiles();
    } finally {
      client.nodes().withLabel(TEST_LABEL, run).delete();
      for (AgentNode node : List.copyOf(nodes)) {
        node.close();
      }
      nodes.clear();
      before.clear();
    }
  }

  /** Removes everything, then stops the operator. */
  @Override
  public void close() throws Exception {
    try {
      removeAll();
    } finally {
      if (operator != null) {
        operator.close();
      }
    }
  }
}
