package dev.tcptune.bench.scale;

import dev.tcptune.agent.Agent;
import dev.tcptune.agent.AgentConfig;
import dev.tcptune.agent.AgentSerialization;
import dev.tcptune.api.v1alpha1.TcpProfile;
import dev.tcptune.bench.OnExit;
import dev.tcptune.bench.Options;
import dev.tcptune.bench.Table;
import dev.tcptune.kernel.catalog.KernelVersion;
import dev.tcptune.kernel.catalog.Tunable;
import dev.tcptune.kernel.catalog.TunableCatalog;
import dev.tcptune.kernel.exec.CommandResult;
import dev.tcptune.kernel.exec.NetworkNamespace;
import dev.tcptune.kernel.route.InMemoryRouteTable;
import dev.tcptune.kernel.stats.SocketStatsReader;
import dev.tcptune.kernel.sysctl.InMemorySysctlStore;
import dev.tcptune.localcluster.LocalControlPlane;
import dev.tcptune.operator.OperatorConfig;
import dev.tcptune.operator.TcpTuneOperator;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.jdkhttp.JdkHttpClientFactory;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Item 5 of docs/benchmarks.md: convergence at scale. The real kube-apiserver + etcd, the operator
 * in this process (leader election off), and N simulated nodes: a Node object each and a real agent
 * ({@link Agent#startSimulated}: its own watch of its TcpNodeState, its checks, status writes and
 * heartbeat) on the in-memory kernel fakes, all agents sharing one client as one JVM would. For
 * each run a profile selecting every node is created (then changed, a new generation): the time
 * until it reports every node Applied for that generation, and the requests operator and agents
 * sent, by their own clients. Then a quiet minute: the writes while nothing changes.
 *
 * <pre>
 *   mvn -B -q -pl bench,operator/app -am package -DskipTests
 *   java -cp bench/target/tcptune-bench.jar dev.tcptune.bench.scale.ScaleBench [--quick] [--nodes 10,100,1000] [--runs 5] [--rollouts all-at-once,staged]
 * </pre>
 */
public final class ScaleBench {

  static final String LABEL = "tcptune.dev/bench";
  static final String POOL = "tcptune.dev/bench-pool";
  static final int POOLS = 4;
  static final String OPERATOR_NAMESPACE = "tcptune-bench";
  private static final Duration CONVERGE = Duration.ofMinutes(15);

  private ScaleBench() {}

  public static void main(String[] args) throws Exception {
    List<String> list = List.of(args);
    Options options = Options.parse(list);
    List<Integer> sizes =
        option(list, "--nodes")
            .map(s -> Arrays.stream(s.split(",")).map(Integer::valueOf).toList())
            .orElse(options.quick() ? List.of(10) : List.of(10, 100, 1000));
    int runs = option(list, "--runs").map(Integer::parseInt).orElse(options.quick() ? 1 : 5);
    List<String> rollouts =
        option(list, "--rollouts")
            .map(s -> List.of(s.split(",")))
            .orElse(List.of("all-at-once", "staged"));
    Duration quiet = options.quick() ? Duration.ofSeconds(10) : Duration.ofMinutes(1);
    Table converge =
        new Table(
            "nodes",
            "rollout",
            "median s",
            "worst s",
            "runs",
            "operator writes per change",
            "agent writes per change",
            "2N+10");
    Table idle =
        new Table(
            "nodes",
            "quiet for",
            "operator writes",
            "agent writes",
            "operator reads",
            "agent reads");
    for (int n : sizes) {
      measure(n, runs, rollouts, quiet, converge, idle);
    }
    System.out.println();
    System.out.print(converge);
    System.out.println();
    System.out.print(idle);
  }

  private static void measure(
      int nodes, int runs, List<String> rollouts, Duration quiet, Table converge, Table idle)
      throws Exception {
    System.out.printf("==> %d nodes%n", nodes);
    Path work = Files.createTempDirectory("bench-scale-");
    List<Agent> agents = new ArrayList<>();
    try (LocalControlPlane controlPlane =
            LocalControlPlane.start(s -> System.out.println("    " + s));
        OnExit onExit = OnExit.close(controlPlane)) {
      RequestCounter operatorRequests = new RequestCounter();
      RequestCounter agentRequests = new RequestCounter();
      KubernetesClient admin = controlPlane.adminClient();
      admin
          .namespaces()
          .resource(
              new NamespaceBuilder()
                  .withNewMetadata()
                  .withName(OPERATOR_NAMESPACE)
                  .endMetadata()
                  .build())
          .serverSideApply();
      createNodes(admin, nodes);
      Config config = Config.fromKubeconfig(controlPlane.kubeConfigYaml());
      try (KubernetesClient operatorClient = client(config, operatorRequests, false);
          KubernetesClient agentClient = client(config, agentRequests, true);
          TcpTuneOperator operator =
              TcpTuneOperator.start(
                  operatorClient,
                  OperatorConfig.fromEnvironment(
                      Map.of(
                          "TCPTUNE_NAMESPACE", OPERATOR_NAMESPACE,
                          "POD_NAME", "bench-operator",
                          "TCPTUNE_LEADER_ELECTION", "false",
                          "TCPTUNE_PROBE_PORT", "0")),
                  Clock.systemUTC(),
                  false)) {
        agents.addAll(startAgents(nodes, agentClient, work));
        System.out.printf("    %d agents watching%n", nodes);
        for (String rollout : rollouts) {
          // Staged goes one node at a time: beyond a few hundred nodes one run says enough.
          int times = rollout.startsWith("staged") && nodes > 100 ? 1 : runs;
          double[] seconds = new double[times];
          long operatorWrites = 0;
          long agentWrites = 0;
          for (int r = 0; r < times; r++) {
            long ow = operatorRequests.writes();
            long aw = agentRequests.writes();
            seconds[r] = change(admin, rollout, r, nodes);
            operatorWrites += operatorRequests.writes() - ow;
            agentWrites += agentRequests.writes() - aw;
            System.out.printf("    %s run %d: %.2f s%n", rollout, r + 1, seconds[r]);
          }
          Arrays.sort(seconds);
          converge.add(
              nodes,
              rollout,
              seconds[seconds.length / 2],
              seconds[seconds.length - 1],
              times,
              operatorWrites / times,
              agentWrites / times,
              2 * nodes + 10);
        }
        long ow = operatorRequests.writes();
        long aw = agentRequests.writes();
        long or = operatorRequests.reads();
        long ar = agentRequests.reads();
        TimeUnit.NANOSECONDS.sleep(quiet.toNanos());
        idle.add(
            nodes,
            quiet.toSeconds() + " s",
            operatorRequests.writes() - ow,
            agentRequests.writes() - aw,
            operatorRequests.reads() - or,
            agentRequests.reads() - ar);
        admin.resources(TcpProfile.class).withName("bench").delete();
      } finally {
        agents.forEach(Agent::close);
      }
    } finally {
      try (var files = Files.walk(work)) {
        files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }

  /** One real agent per node, on an in-memory kernel with the catalog's defaults. */
  static List<Agent> startAgents(int nodes, KubernetesClient client, Path work) throws IOException {
    KernelVersion kernel = KernelVersion.running();
    // No sockets to sample: ss is never run, the /proc/net counters are this machine's.
    SocketStatsReader noSockets =
        new SocketStatsReader(
            NetworkNamespace.current(),
            (argv, stdin) -> new CommandResult(argv, 0, "", ""),
            Clock.systemUTC());
    List<Agent> agents = new ArrayList<>();
    for (int i = 0; i < nodes; i++) {
      agents.add(
          Agent.startSimulated(
              new AgentConfig(
                  node(i),
                  AgentConfig.DEFAULT_CHECK_INTERVAL,
                  AgentConfig.DEFAULT_STATS_INTERVAL,
                  AgentConfig.DEFAULT_HEARTBEAT,
                  0,
                  Optional.empty(),
                  Files.createDirectories(work.resolve(node(i))),
                  Path.of("/proc/sys")),
              client,
              kernelDefaults(),
              new InMemoryRouteTable(List.of()),
              kernel,
              noSockets));
    }
    return agents;
  }

  /** Node objects {@code bench-node-NNNN}, labelled for the profiles. */
  static void createNodes(KubernetesClient admin, int nodes) {
    for (int i = 0; i < nodes; i++) {
      admin
          .nodes()
          .resource(
              new NodeBuilder()
                  .withNewMetadata()
                  .withName(node(i))
                  .withLabels(Map.of(LABEL, "yes", POOL, "pool-" + i % POOLS))
                  .endMetadata()
                  .build())
          .create();
    }
  }

  /** Creates or changes the profile (a new generation), and waits for every node to apply it. */
  private static double change(KubernetesClient admin, String rollout, int run, int nodes)
      throws InterruptedException {
    String maxUnavailable = rollout.startsWith("all") ? "\"100%\"" : "1";
    String yaml =
        """
        apiVersion: tcptune.dev/v1alpha1
        kind: TcpProfile
        metadata: {name: bench}
        spec:
          nodeSelector: {matchLabels: {%s: "yes"}}
          mode: Enforce
          keepalive: {probes: %d}
          rollout: {maxUnavailable: %s}
        """
            .formatted(LABEL, 3 + (run % 2) + (rollout.startsWith("all") ? 0 : 2), maxUnavailable);
    long start = System.nanoTime();
    TcpProfile applied =
        admin
            .resource(Serialization.unmarshal(yaml, TcpProfile.class))
            .fieldManager("bench")
            .forceConflicts()
            .serverSideApply();
    long generation = applied.getMetadata().getGeneration();
    long deadline = start + CONVERGE.toNanos();
    while (System.nanoTime() < deadline) {
      TcpProfile p = admin.resources(TcpProfile.class).withName("bench").get();
      if (p.getStatus() != null
          && p.getStatus().getObservedGeneration() != null
          && p.getStatus().getObservedGeneration() == generation
          && p.getStatus().getAppliedNodes() != null
          && p.getStatus().getAppliedNodes() == nodes) {
        return (System.nanoTime() - start) / 1e9;
      }
      TimeUnit.MILLISECONDS.sleep(20);
    }
    throw new IllegalStateException(
        "profile generation " + generation + " not applied on every node within " + CONVERGE);
  }

  static KubernetesClient client(Config config, RequestCounter counter, boolean agent) {
    KubernetesClientBuilder builder =
        new KubernetesClientBuilder()
            .withConfig(config)
            .withHttpClientBuilderConsumer(b -> b.addOrReplaceInterceptor("bench-count", counter));
    if (agent) {
      // As the agent command builds its client.
      builder
          .withHttpClientFactory(new JdkHttpClientFactory())
          .withKubernetesSerialization(AgentSerialization.create());
    }
    return builder.build();
  }

  static InMemorySysctlStore kernelDefaults() {
    Map<String, String> values = new LinkedHashMap<>();
    for (Tunable t : TunableCatalog.standard().all()) {
      values.put(t.key(), t.kernelDefault());
    }
    return new InMemorySysctlStore(values);
  }

  static String node(int i) {
    return String.format("bench-node-%04d", i);
  }

  static Optional<String> option(List<String> args, String name) {
    int at = args.indexOf(name);
    return at >= 0 && at + 1 < args.size() ? Optional.of(args.get(at + 1)) : Optional.empty();
  }
}
