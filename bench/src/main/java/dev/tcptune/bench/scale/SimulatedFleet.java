package dev.tcptune.bench.scale;

import dev.tcptune.agent.Agent;
import dev.tcptune.agent.AgentConfig;
import dev.tcptune.agent.AgentSerialization;
import dev.tcptune.agent.NodeKernel;
import dev.tcptune.kernel.catalog.KernelVersion;
import dev.tcptune.kernel.route.InMemoryRouteTable;
import dev.tcptune.kernel.route.IpFamily;
import dev.tcptune.kernel.route.Route;
import dev.tcptune.kernel.stats.SocketSnapshot;
import dev.tcptune.kernel.sysctl.InMemorySysctlStore;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.jdkhttp.JdkHttpClientFactory;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * N simulated nodes: a Node object each (labelled into the benchmark's pool) and an in-process
 * agent on in-memory sysctls and routes. The agents share one client (one HTTP client, one
 * connection pool); each watches only its own TcpNodeState, with a field selector, as in
 * production: N watches.
 */
final class SimulatedFleet implements AutoCloseable {

  static final String POOL_LABEL = "bench.tcptune.dev/pool";
  static final String POOL = "scale";
  private static final int START_BATCH = 100;

  /** Kernel defaults of the keys the benchmark's profiles set. */
  private static final Map<String, String> DEFAULTS =
      Map.of(
          "net.core.somaxconn", "4096",
          "net.ipv4.tcp_max_syn_backlog", "1024",
          "net.ipv4.tcp_keepalive_time", "7200",
          "net.ipv4.tcp_keepalive_intvl", "75",
          "net.ipv4.tcp_keepalive_probes", "9",
          "net.ipv4.tcp_fin_timeout", "60");

  private final KubernetesClient admin;
  private final List<String> names = new ArrayList<>();
  private final List<Agent> agents = new ArrayList<>();

  private SimulatedFleet(KubernetesClient admin) {
    this.admin = admin;
  }

  /**
   * The one client the agents share, as an agent's: the JDK HTTP client and the agent's
   * serialization. Each agent of a cluster has a connection of its own; over HTTP/2 the JDK client
   * would put all 1,000 watches on one connection, past the API server's stream limit ("too many
   * concurrent streams"). Over HTTP/1.1 every open watch has its own connection, as on 1,000 nodes.
   */
  static KubernetesClientBuilder agentClient(String kubeConfigYaml) {
    Config config = Config.fromKubeconfig(kubeConfigYaml);
    config.setHttp2Disable(true);
    return new KubernetesClientBuilder()
        .withHttpClientFactory(new JdkHttpClientFactory())
        .withConfig(config)
        .withKubernetesSerialization(AgentSerialization.create());
  }

  /**
   * Creates {@code n} Node objects and starts their agents.
   *
   * @param agentClient the one client all agents share
   * @param stateDir where the agents keep their journal copies
   * @param checkInterval each agent's check interval (production default 10 s)
   */
  /** The labels a kubelet and a cloud provider put on a Node, plus the benchmark's own. */
  private static Map<String, String> labels(String name, int i) {
    Map<String, String> labels = new TreeMap<>();
    labels.put(POOL_LABEL, POOL);
    labels.put("topology.kubernetes.io/zone", "zone-" + (i % 3));
    labels.put("topology.kubernetes.io/region", "region-1");
    labels.put("bench.tcptune.dev/shard", String.valueOf(i % 20));
    labels.put("kubernetes.io/hostname", name);
    labels.put("kubernetes.io/os", "linux");
    labels.put("kubernetes.io/arch", "amd64");
    labels.put("beta.kubernetes.io/os", "linux");
    labels.put("beta.kubernetes.io/arch", "amd64");
    labels.put("node.kubernetes.io/instance-type", "m6i.2xlarge");
    return labels;
  }

  static SimulatedFleet start(
      KubernetesClient admin,
      KubernetesClient agentClient,
      int n,
      Path stateDir,
      Duration checkInterval)
      throws IOException {
    SimulatedFleet fleet = new SimulatedFleet(admin);
    try {
      for (int i = 0; i < n; i++) {
        String name = String.format("sim-%04d", i);
        Node node =
            admin
                .nodes()
                .resource(
                    new NodeBuilder()
                        .withNewMetadata()
                        .withName(name)
                        .withLabels(labels(name, i))
                        .endMetadata()
                        .build())
                .create();
        // As a kubelet does: the status is most of a Node's size, and what informers cache.
        node.setStatus(KubeletNodeStatus.of(name, i));
        admin.nodes().resource(node).updateStatus();
        fleet.names.add(name);
      }
      // Agents start in batches, each batch watching before the next starts, as a DaemonSet rolls
      // out: 1,000 informers listing and opening their watch at one instant time out on 2 cores.
      for (String name : fleet.names) {
        if (fleet.agents.size() % START_BATCH == 0) {
          fleet.awaitReady();
        }
        AgentConfig config =
            new AgentConfig(
                name,
                checkInterval,
                // The in-memory sockets never change; a second sample would only add rates of 0
                // to every status once, a write that has nothing to do with the profile.
                Duration.ofHours(24),
                AgentConfig.DEFAULT_HEARTBEAT,
                0,
                Optional.empty(),
                stateDir,
                AgentConfig.DEFAULT_PROC_SYS);
        fleet.agents.add(Agent.startOn(kernel(), config, agentClient));
      }
      fleet.awaitReady();
      return fleet;
    } catch (IOException | RuntimeException e) {
      fleet.close();
      throw e;
    }
  }

  private static NodeKernel kernel() {
    SocketSnapshot quiet =
        new SocketSnapshot(
            Instant.EPOCH,
            Map.of("TcpExt.ListenOverflows", 0L, "Tcp.RetransSegs", 0L, "Tcp.OutSegs", 0L),
            Map.of());
    return new NodeKernel(
        new InMemorySysctlStore(DEFAULTS),
        new InMemoryRouteTable(
            List.of(Route.of(IpFamily.INET, "local", "127.0.0.1", "lo", "local"))),
        KernelVersion.of(6, 18, 0),
        "6.18.0-sim",
        () -> quiet,
        somaxconn -> List.of());
  }

  private void awaitReady() {
    try {
      Convergence.await(
          Duration.ofMinutes(5),
          "agents watching their node state",
          () -> agents.stream().allMatch(Agent::ready));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while starting agents", e);
    }
  }

  int size() {
    return names.size();
  }

  /** Stops the agents (their nodes keep their values) and deletes the Node objects. */
  @Override
  public void close() {
    agents.parallelStream().forEach(Agent::close);
    agents.clear();
    for (String name : names) {
      admin.nodes().withName(name).delete();
    }
    names.clear();
  }
}
