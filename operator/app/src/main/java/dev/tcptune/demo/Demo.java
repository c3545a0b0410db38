package dev.tcptune.demo;

import dev.tcptune.api.v1alpha1.EffectiveRoute;
import dev.tcptune.api.v1alpha1.EffectiveSetting;
import dev.tcptune.api.v1alpha1.TcpNodeState;
import dev.tcptune.api.v1alpha1.TcpProfile;
import dev.tcptune.kernel.catalog.Tunable;
import dev.tcptune.kernel.catalog.TunableCatalog;
import dev.tcptune.kernel.exec.CommandResult;
import dev.tcptune.kernel.exec.CommandRunner;
import dev.tcptune.kernel.exec.NetworkNamespace;
import dev.tcptune.kernel.exec.ProcessCommandRunner;
import dev.tcptune.localcluster.Java;
import dev.tcptune.localcluster.LocalControlPlane;
import dev.tcptune.localcluster.NamespaceApiAccess;
import dev.tcptune.operator.OperatorConfig;
import dev.tcptune.operator.TcpTuneOperator;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.function.BooleanSupplier;

/**
 * {@code tcptune demo}: the whole system on this machine with no cluster around. A real
 * kube-apiserver + etcd, three simulated nodes (a Node object and a network namespace each, with
 * one real agent process inside), the operator, and the profiles of {@code examples/}; then a drift
 * corrected, the profiles deleted and every original value back. Everything it makes is removed by
 * {@link #close()}, which also runs on Ctrl-C.
 */
public final class Demo implements AutoCloseable {

  /** The examples in the jar (copied from examples/ by the build), applied in this order. */
  public static final List<String> EXAMPLES =
      List.of(
          "audit-baseline.yaml",
          "busy-listener.yaml",
          "fail-fast-connect.yaml",
          "internal-low-rto.yaml",
          "keepalive-below-lb-idle.yaml");

  /** A simulated node: its name and labels, chosen so that each example selects some nodes. */
  record NodeSpec(String name, Map<String, String> labels) {}

  static final List<NodeSpec> NODES =
      List.of(
          new NodeSpec(
              "demo-ingress",
              Map.of(
                  "node-role.kubernetes.io/ingress", "", "topology.kubernetes.io/zone", "dc1-a")),
          new NodeSpec(
              "demo-api",
              Map.of("tcptune.dev/role", "api-client", "topology.kubernetes.io/zone", "dc1-a")),
          new NodeSpec(
              "demo-mq",
              Map.of("tcptune.dev/role", "mq-client", "topology.kubernetes.io/zone", "dc1-b")));

  private static final String OPERATOR_NAMESPACE = "tcptune-system";
  private static final String DRIFT_NODE = "demo-ingress";
  private static final String DRIFT_KEY = "net.core.somaxconn";
  private static final String DRIFT_VALUE = "1024";
  private static final Duration CONVERGE = Duration.ofMinutes(3);
  private static final Duration CORRECT = Duration.ofSeconds(60);

  private final PrintStream out;
  private final CommandRunner runner = new ProcessCommandRunner(Duration.ofSeconds(30));
  private final String runId = UUID.randomUUID().toString().substring(0, 4);
  private final Deque<Cleanup> cleanups = new ArrayDeque<>();
  private final Map<String, NetworkNamespace> namespaces = new LinkedHashMap<>();
  private final Map<String, Map<String, String>> before = new LinkedHashMap<>();
  private Path workDir;
  private LocalControlPlane controlPlane;
  private boolean closed;

  private interface Cleanup {
    void run() throws Exception;
  }

  public Demo(PrintStream out) {
    this.out = out;
  }

  /** Runs the whole demo; {@link #close()} afterwards (or on Ctrl-C) removes what it made. */
  public void run() throws Exception {
    Path jar = Java.jarOf(Demo.class);
    workDir = Files.createTempDirectory("tcptune-demo-");
    onClose(() -> deleteRecursively(workDir));

    step("1/6 control plane");
    controlPlane = LocalControlPlane.start(line -> out.println("    " + line));
    onClose(controlPlane::close);
    KubernetesClient client = controlPlane.adminClient();

    step("2/6 operator (in this process)");
    client
        .namespaces()
        .resource(
            new NamespaceBuilder()
                .withNewMetadata()
                .withName(OPERATOR_NAMESPACE)
                .endMetadata()
                .build())
        .serverSideApply();
    TcpTuneOperator operator =
        TcpTuneOperator.start(
            client,
            OperatorConfig.fromEnvironment(
                Map.of(
                    "TCPTUNE_NAMESPACE", OPERATOR_NAMESPACE,
                    "POD_NAME", "demo-operator",
                    "TCPTUNE_LEADER_ELECTION", "false",
                    "TCPTUNE_PROBE_PORT", "0")),
            Clock.systemUTC(),
            false);
    onClose(operator::close);
    out.println("    reconciling Nodes, TcpProfiles and TcpNodeStates");

    step("3/6 three simulated nodes, each a Node object + a network namespace + an agent");
    out.println("    agent logs in " + workDir + " (removed at the end)");
    for (NodeSpec node : NODES) {
      startNode(node, jar, client);
    }

    step("4/6 applying examples/ and waiting for every node");
    List<TcpProfile> profiles = applyExamples(client);
    try {
      await(
          CONVERGE, "every profile to be applied on its nodes", () -> converged(client, profiles));
    } catch (IllegalStateException e) {
      out.print(kubectl("get", "tcpprofiles,tcpnodestates", "-o", "yaml").stdout());
      throw e;
    }
    out.println();
    out.print(kubectl("get", "tcpprofiles,tcpnodestates").stdout());
    out.println();
    printNodeValues(client);

    step(
        "5/6 drift: someone runs `sysctl -w "
            + DRIFT_KEY
            + "="
            + DRIFT_VALUE
            + "` on "
            + DRIFT_NODE);
    NetworkNamespace drifted = namespaces.get(DRIFT_NODE);
    String tuned = sysctl(drifted, DRIFT_KEY);
    exec(drifted, "sysctl", "-q", "-w", DRIFT_KEY + "=" + DRIFT_VALUE);
    out.printf("    %s on %s is now %s%n", DRIFT_KEY, DRIFT_NODE, sysctl(drifted, DRIFT_KEY));
    long driftAt = System.nanoTime();
    await(
        CORRECT, "the agent to correct the drift", () -> tuned.equals(sysctl(drifted, DRIFT_KEY)));
    out.printf(
        "    corrected by the agent after %.1f s: %s = %s again (Enforce mode; Audit would only"
            + " report it)%n",
        (System.nanoTime() - driftAt) / 1e9, DRIFT_KEY, sysctl(drifted, DRIFT_KEY));
    TcpNodeState state = client.resources(TcpNodeState.class).withName(DRIFT_NODE).get();
    out.printf(
        "    status of TcpNodeState %s: driftCorrections %s%n",
        DRIFT_NODE, state.getStatus().getDriftCorrections());

    step("6/6 deleting the profiles: every node gets its original values back");
    for (TcpProfile profile : profiles) {
      client.resource(profile).delete();
    }
    await(
        CONVERGE,
        "every node to restore its originals",
        () ->
            client.resources(TcpProfile.class).list().getItems().isEmpty()
                && client.resources(TcpNodeState.class).list().getItems().isEmpty());
    for (Map.Entry<String, Map<String, String>> node : before.entrySet()) {
      NetworkNamespace ns = namespaces.get(node.getKey());
      List<String> differ = new ArrayList<>();
      node.getValue()
          .forEach(
              (key, value) -> {
                String now = sysctl(ns, key);
                if (!now.equals(value)) {
                  differ.add(key + " " + value + " -> " + now);
                }
              });
      out.printf(
          "    %-13s %s%n",
          node.getKey(),
          differ.isEmpty()
              ? "all " + node.getValue().size() + " tuned keys back at their original values"
              : "NOT restored: " + differ);
    }
    out.println();
    out.println("done; cleaning up");
  }

  private void startNode(NodeSpec node, Path jar, KubernetesClient client) throws IOException {
    String name = "tcpt-demo-" + runId + "-" + node.name().substring("demo-".length());
    runner.run(List.of("ip", "netns", "add", name)).orThrow();
    onClose(() -> runner.run(List.of("ip", "netns", "del", name)));
    NetworkNamespace ns = NetworkNamespace.named(name);
    exec(ns, "ip", "link", "set", "lo", "up");
    // The node's internal network, so that examples/internal-low-rto.yaml finds its 10.0.0.0/8.
    exec(ns, "ip", "link", "add", "internal0", "type", "veth", "peer", "name", "internal1");
    exec(ns, "ip", "addr", "add", "10.42.0.10/8", "dev", "internal0");
    exec(ns, "ip", "link", "set", "internal0", "up");
    namespaces.put(node.name(), ns);
    // What the node had before tcptune: every key the examples could touch.
    Map<String, String> original = new LinkedHashMap<>();
    for (Tunable tunable : TunableCatalog.standard().all()) {
      CommandResult read = runner.run(ns.wrap(List.of("sysctl", "-n", tunable.key())));
      if (read.succeeded()) {
        original.put(tunable.key(), read.stdout().strip().replaceAll("\\s+", " "));
      }
    }
    before.put(node.name(), original);

    client
        .nodes()
        .resource(
            new NodeBuilder()
                .withNewMetadata()
                .withName(node.name())
                .withLabels(node.labels())
                .endMetadata()
                .build())
        .create();
    onClose(() -> client.nodes().withName(node.name()).delete());

    NamespaceApiAccess api =
        NamespaceApiAccess.open(ns, controlPlane.kubeConfigYaml(), jar, workDir);
    onClose(api::close);
    Path log = workDir.resolve("agent-" + node.name() + ".log");
    ProcessBuilder agent =
        new ProcessBuilder(
                ns.wrap(
                    List.of(
                        Java.binary(),
                        "-XX:TieredStopAtLevel=1",
                        "-XX:+UseSerialGC",
                        "-Xmx64m",
                        "-jar",
                        jar.toString(),
                        "agent",
                        "--netns",
                        name,
                        "--check-interval",
                        "2s",
                        "--metrics-port",
                        "0",
                        "--state-dir",
                        workDir.resolve("state-" + node.name()).toString())))
            .redirectErrorStream(true)
            .redirectOutput(log.toFile());
    agent.environment().put("NODE_NAME", node.name());
    agent.environment().put("KUBECONFIG", api.kubeconfig().toString());
    Process process = agent.start();
    onClose(() -> stop(process));
    out.printf(
        "    %-13s labels %s, network namespace %s, agent pid %d%n",
        node.name(), node.labels(), name, process.pid());
  }

  private List<TcpProfile> applyExamples(KubernetesClient client) throws IOException {
    List<TcpProfile> applied = new ArrayList<>();
    for (String example : EXAMPLES) {
      try (InputStream in =
          Demo.class.getClassLoader().getResourceAsStream("tcptune/examples/" + example)) {
        Objects.requireNonNull(in, "example " + example + " missing from the jar");
        TcpProfile profile = client.resources(TcpProfile.class).load(in).item();
        applied.add(client.resource(profile).fieldManager("tcptune-demo").serverSideApply());
        out.printf("    applied examples/%s%n", example);
      }
    }
    return applied;
  }

  /** Every profile's status describes its generation, and no node is still changing. */
  private static boolean converged(KubernetesClient client, List<TcpProfile> profiles) {
    for (TcpProfile applied : profiles) {
      TcpProfile profile =
          client.resources(TcpProfile.class).withName(applied.getMetadata().getName()).get();
      if (profile == null
          || profile.getStatus() == null
          || !Objects.equals(
              profile.getStatus().getObservedGeneration(), profile.getMetadata().getGeneration())
          || profile.getStatus().getMatchedNodes() == null
          || !profile.getStatus().getMatchedNodes().equals(profile.getStatus().getAppliedNodes())) {
        return false;
      }
    }
    return true;
  }

  private void printNodeValues(KubernetesClient client) {
    out.println("    values read from each node's network namespace (original -> now):");
    for (Map.Entry<String, NetworkNamespace> node : namespaces.entrySet()) {
      TcpNodeState state = client.resources(TcpNodeState.class).withName(node.getKey()).get();
      out.printf("    %s%n", node.getKey());
      if (state == null || state.getSpec() == null) {
        out.println("      (no profile selects it)");
        continue;
      }
      for (EffectiveSetting setting : state.getSpec().getSettings()) {
        out.printf(
            "      %-36s %8s -> %-12s %s %s%n",
            setting.getKey(),
            before.get(node.getKey()).get(setting.getKey()),
            sysctl(node.getValue(), setting.getKey()),
            setting.getMode(),
            setting.getProfile());
      }
      for (EffectiveRoute route : state.getSpec().getRoutes()) {
        String line =
            exec(node.getValue(), "ip", "route", "show", "table", "all", route.getDestination())
                .stdout()
                .lines()
                .filter(l -> l.contains("rto_min"))
                .findFirst()
                .orElse("(no route to " + route.getDestination() + " in this namespace)");
        out.printf("      route %-30s %s%n", route.getDestination(), line.strip());
      }
    }
  }

  private CommandResult kubectl(String... args) {
    List<String> argv = new ArrayList<>();
    argv.add(controlPlane.kubectlBinary().toString());
    argv.add("--kubeconfig=" + controlPlane.kubeConfigFile());
    argv.add("--cache-dir=" + workDir.resolve("kubectl-cache"));
    argv.addAll(List.of(args));
    return runner.run(argv).orThrow();
  }

  private String sysctl(NetworkNamespace ns, String key) {
    return exec(ns, "sysctl", "-n", key).stdout().strip().replaceAll("\\s+", " ");
  }

  private CommandResult exec(NetworkNamespace ns, String... argv) {
    return runner.run(ns.wrap(List.of(argv))).orThrow();
  }

  private void step(String title) {
    out.println();
    out.println("==> " + title);
  }

  private void await(Duration within, String what, BooleanSupplier done)
      throws InterruptedException {
    long deadline = System.nanoTime() + within.toNanos();
    while (!done.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException(
            "timed out after " + within.toSeconds() + " s waiting for " + what);
      }
      Thread.sleep(250);
    }
  }

  private void onClose(Cleanup cleanup) {
    synchronized (cleanups) {
      cleanups.push(cleanup);
    }
  }

  private static void stop(Process process) throws InterruptedException {
    process.destroy();
    if (!process.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)) {
      process.destroyForcibly();
      process.waitFor(10, java.util.concurrent.TimeUnit.SECONDS);
    }
  }

  private static void deleteRecursively(Path dir) throws IOException {
    if (dir == null || !Files.exists(dir)) {
      return;
    }
    try (var walk = Files.walk(dir)) {
      for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }

  /** Removes everything the demo made, newest first; safe to call twice and from a signal. */
  @Override
  public void close() {
    synchronized (cleanups) {
      if (closed) {
        return;
      }
      closed = true;
      List<String> failures = new ArrayList<>();
      while (!cleanups.isEmpty()) {
        try {
          cleanups.pop().run();
        } catch (Exception e) {
          failures.add(String.valueOf(e.getMessage()));
        }
      }
      if (!failures.isEmpty()) {
        out.println("cleanup problems: " + failures);
      }
    }
  }
}
