package dev.tcptune.bench.agent;

import dev.tcptune.api.v1alpha1.TcpNodeState;
import dev.tcptune.bench.OnExit;
import dev.tcptune.bench.Options;
import dev.tcptune.bench.Table;
import dev.tcptune.bench.kernel.BenchNamespace;
import dev.tcptune.kernel.exec.NetworkNamespace;
import dev.tcptune.localcluster.Java;
import dev.tcptune.localcluster.LocalControlPlane;
import dev.tcptune.localcluster.NamespaceApiAccess;
import dev.tcptune.operator.AgentDaemonSet;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.ByteArrayInputStream;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Item 4 of docs/benchmarks.md: resident memory and CPU of a real agent process (the jar, with the
 * DaemonSet's JVM flags, sized for its 128 MiB memory limit) in a network namespace of its own,
 * watching its TcpNodeState on the real API server at a 10 s check interval, for 10 minutes ({@code
 * --quick}: 20 s). Beside it, node_exporter serving the same counters (netstat, sockstat), scraped
 * every 10 s, sampled the same way.
 *
 * <pre>
 *   java -cp bench/target/tcptune-bench.jar dev.tcptune.bench.agent.AgentFootprintBench [--quick] [--minutes N]
 * </pre>
 */
public final class AgentFootprintBench {

  private static final String NODE = "bench-node";
  private static final Duration CHECK = Duration.ofSeconds(10);

  /** The chart's default agent.memoryLimit. */
  private static final int AGENT_MEMORY_LIMIT_MIB = 128;

  private AgentFootprintBench() {}

  public static void main(String[] args) throws Exception {
    List<String> list = List.of(args);
    Options options = Options.parse(list);
    int minutesAt = list.indexOf("--minutes");
    Duration duration =
        options.quick()
            ? Duration.ofSeconds(20)
            : Duration.ofMinutes(minutesAt >= 0 ? Long.parseLong(list.get(minutesAt + 1)) : 10);
    Path repo = Path.of("").toAbsolutePath();
    Path jar = repo.resolve("operator/app/target/tcptune.jar");
    Optional<Path> exporter = options.quick() ? Optional.empty() : NodeExporter.binary(repo);
    Path work = Files.createTempDirectory("bench-agent-");
    List<Process> processes = new ArrayList<>();
    try (LocalControlPlane controlPlane =
            LocalControlPlane.start(s -> System.out.println("    " + s));
        OnExit onExit = OnExit.close(controlPlane);
        BenchNamespace ns = BenchNamespace.create()) {
      KubernetesClient client = controlPlane.adminClient();
      client
          .nodes()
          .resource(new NodeBuilder().withNewMetadata().withName(NODE).endMetadata().build())
          .create();
      client.resource(nodeState()).create();
      try (NamespaceApiAccess api =
          NamespaceApiAccess.open(
              NetworkNamespace.named(ns.name()), controlPlane.kubeConfigYaml(), jar, work)) {
        List<String> argv = new ArrayList<>(List.of(Java.binary()));
        argv.addAll(Arrays.asList(AgentDaemonSet.JVM_FLAGS.split(" ")));
        // The JVM sizes itself from the DaemonSet's 128 MiB memory limit as it does in the
        // container
        // (heap at most 50% of it, initially 1/64): -Xmx alone would commit the whole 64 MiB heap
        // from the start, since the initial heap would come from this machine's memory.
        argv.add("-XX:MaxRAM=" + AGENT_MEMORY_LIMIT_MIB + "m");
        // For finding out where the memory goes, e.g. -XX:NativeMemoryTracking=summary.
        Optional.ofNullable(System.getenv("TCPTUNE_BENCH_AGENT_OPTS"))
            .ifPresent(o -> argv.addAll(Arrays.asList(o.trim().split("\\s+"))));
        argv.addAll(
            List.of(
                "-jar",
                jar.toString(),
                "agent",
                "--netns",
                ns.name(),
                "--check-interval",
                CHECK.toSeconds() + "s",
                "--metrics-port",
                "0",
                "--state-dir",
                work.resolve("state").toString()));
        ProcessBuilder builder =
            new ProcessBuilder(ns.wrap(argv))
                .redirectErrorStream(true)
                .redirectOutput(work.resolve("agent.log").toFile());
        builder.environment().put("NODE_NAME", NODE);
        builder.environment().put("KUBECONFIG", api.kubeconfig().toString());
        Process agent = builder.start();
        processes.add(agent);
        awaitApplied(client, agent, work);

        Process nodeExporter = null;
        int port = 0;
        if (exporter.isPresent()) {
          try (ServerSocket free = new ServerSocket(0)) {
            port = free.getLocalPort();
          }
          nodeExporter =
              new ProcessBuilder(
                      exporter.get().toString(),
                      "--web.listen-address=127.0.0.1:" + port,
                      "--collector.disable-defaults",
                      "--collector.netstat",
                      "--collector.sockstat")
                  .redirectErrorStream(true)
                  .redirectOutput(work.resolve("node_exporter.log").toFile())
                  .start();
          processes.add(nodeExporter);
        }
        System.out.printf("    sampling for %s (every second)%n", duration);
        ProcessSampler agentSampler = new ProcessSampler(agent.pid());
        ProcessSampler exporterSampler =
            nodeExporter == null ? null : new ProcessSampler(nodeExporter.pid());
        HttpClient http = HttpClient.newHttpClient();
        long end = System.nanoTime() + duration.toNanos();
        long nextScrape = System.nanoTime();
        while (System.nanoTime() < end) {
          if (!agentSampler.sample()) {
            throw new IllegalStateException("the agent exited: see " + work.resolve("agent.log"));
          }
          if (exporterSampler != null) {
            exporterSampler.sample();
            if (System.nanoTime() >= nextScrape) {
              http.send(
                  HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics"))
                      .build(),
                  HttpResponse.BodyHandlers.discarding());
              nextScrape += CHECK.toNanos();
            }
          }
          TimeUnit.SECONDS.sleep(1);
        }
        Table table =
            new Table(
                "process", "peak RSS MiB", "average RSS MiB", "CPU % of one core", "sampled s");
        List<ProcessSampler.Figures> figures = new ArrayList<>();
        figures.add(agentSampler.figures("tcptune agent (check every 10 s)"));
        if (exporterSampler != null) {
          figures.add(
              exporterSampler.figures(
                  "node_exporter " + NodeExporter.VERSION + " (scraped every 10 s)"));
        }
        for (ProcessSampler.Figures f : figures) {
          table.add(
              f.name(), f.peakRssMib(), f.averageRssMib(), f.cpuPercent(), f.over().toSeconds());
        }
        System.out.println();
        System.out.print(table);
      }
    } finally {
      for (Process p : processes) {
        p.destroy();
        if (!p.waitFor(10, TimeUnit.SECONDS)) {
          p.destroyForcibly();
        }
      }
      try (var files = Files.walk(work)) {
        files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }

  private static TcpNodeState nodeState() {
    String yaml =
        """
        apiVersion: tcptune.dev/v1alpha1
        kind: TcpNodeState
        metadata: {name: %s}
        spec:
          profiles: [bench]
          profileGenerations: {bench: 1}
          settings:
          - {key: net.ipv4.tcp_keepalive_probes, value: "5", profile: bench, mode: Enforce}
          - {key: net.ipv4.tcp_fin_timeout, value: "30", profile: bench, mode: Enforce}
          - {key: net.core.somaxconn, value: "8192", profile: bench, mode: Enforce}
        """
            .formatted(NODE);
    return io.fabric8.kubernetes.client.utils.Serialization.unmarshal(
        new ByteArrayInputStream(yaml.getBytes(StandardCharsets.UTF_8)), TcpNodeState.class);
  }

  private static void awaitApplied(KubernetesClient client, Process agent, Path work)
      throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
    while (System.nanoTime() < deadline) {
      TcpNodeState state = client.resources(TcpNodeState.class).withName(NODE).get();
      if (state != null
          && state.getStatus() != null
          && state.getStatus().getConditions().stream()
              .anyMatch(c -> "Applied".equals(c.getType()) && "True".equals(c.getStatus()))) {
        return;
      }
      if (!agent.isAlive()) {
        throw new IllegalStateException(
            "the agent exited: " + Files.readString(work.resolve("agent.log")));
      }
      TimeUnit.MILLISECONDS.sleep(200);
    }
    throw new IllegalStateException(
        "the agent did not apply its state: " + work.resolve("agent.log"));
  }
}
