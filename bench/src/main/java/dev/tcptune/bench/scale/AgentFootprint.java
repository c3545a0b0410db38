package dev.tcptune.bench.scale;

import dev.tcptune.api.v1alpha1.TcpNodeState;
import dev.tcptune.api.v1alpha1.TcpProfile;
import dev.tcptune.kernel.exec.CommandRunner;
import dev.tcptune.kernel.exec.NetworkNamespace;
import dev.tcptune.kernel.exec.ProcessCommandRunner;
import dev.tcptune.localcluster.Java;
import dev.tcptune.localcluster.LocalControlPlane;
import dev.tcptune.localcluster.NamespaceApiAccess;
import dev.tcptune.operator.AgentDaemonSet;
import dev.tcptune.operator.OperatorConfig;
import dev.tcptune.operator.TcpTuneOperator;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * Item 4 of issue 11: one real agent process ({@code java -jar tcptune.jar agent}, with the JVM
 * flags and the malloc arena limit of the agent DaemonSet, and its memory limit standing in for the
 * container's through {@code -XX:MaxRAM}) in a network namespace of its own, watching its
 * TcpNodeState on the real API server at a 10 s check interval, its /metrics scraped every 10 s;
 * node_exporter, built from the Go module proxy, on a spare loopback port beside it, scraped every
 * 10 s. Both sampled every second.
 */
final class AgentFootprint {

  private static final String NODE = "footprint-node";
  private static final Duration SCRAPE = Duration.ofSeconds(10);

  /** What {@link #daemonSetEnv} takes from the DaemonSet. */
  private static final Set<String> PROCESS_ENV = Set.of("JAVA_TOOL_OPTIONS", "MALLOC_ARENA_MAX");

  /** The agent DaemonSet's memory limit (helm/tcptune/values.yaml agent.memoryLimit). */
  private static final String AGENT_MAX_RAM = "128m";

  private final LocalControlPlane controlPlane;
  private final ScaleOptions options;
  private final PrintStream out;
  private final KubernetesClient admin;
  private final CommandRunner runner = new ProcessCommandRunner();
  private final HttpClient http = HttpClient.newHttpClient();

  AgentFootprint(LocalControlPlane controlPlane, ScaleOptions options, PrintStream out) {
    this.controlPlane = controlPlane;
    this.options = options;
    this.out = out;
    this.admin = controlPlane.adminClient();
  }

  List<Figure> run() throws Exception {
    if (!Files.isRegularFile(options.jar())) {
      throw new IllegalStateException(
          options.jar()
              + " is missing: build it with mvn -B -q -pl operator/app -am package"
              + " -DskipTests");
    }
    out.printf(
        "agent footprint: one agent process for %d s at a 10 s check interval%n",
        options.footprint().toSeconds());
    String nsName = "tcpt-" + UUID.randomUUID().toString().substring(0, 8);
    NetworkNamespace ns = NetworkNamespace.named(nsName);
    Path dir = Files.createTempDirectory(controlPlane.workDir(), "footprint-");
    List<Figure> figures = new ArrayList<>();
    OperatorConfig config =
        OperatorConfig.fromEnvironment(
            Map.of(
                "TCPTUNE_NAMESPACE", Convergence.NAMESPACE,
                "POD_NAME", "bench-footprint-operator",
                "TCPTUNE_LEADER_ELECTION", "false",
                "TCPTUNE_PROBE_PORT", "0"));
    Map<String, String> daemonSetEnv = daemonSetEnv(config);
    runner.run(List.of("ip", "netns", "add", nsName)).orThrow();
    try (TcpTuneOperator operator =
        TcpTuneOperator.start(admin, config, Clock.systemUTC(), false)) {
      runner.run(ns.wrap(List.of("ip", "link", "set", "lo", "up"))).orThrow();
      admin
          .nodes()
          .resource(
              new NodeBuilder()
                  .withNewMetadata()
                  .withName(NODE)
                  .withLabels(Map.of("bench.tcptune.dev/footprint", "true"))
                  .endMetadata()
                  .build())
          .create();
      TcpProfile profile = admin.resource(profile()).create();
      try (NamespaceApiAccess api =
          NamespaceApiAccess.open(ns, controlPlane.kubeConfigYaml(), options.jar(), dir)) {
        figures.addAll(measure(ns, api, dir, profile, daemonSetEnv));
      } finally {
        // Normally gone already (the agent restored the node); after a failure the finalizer
        // would wait for an agent that is not running.
        if (admin.resources(TcpProfile.class).withName("footprint").get() != null) {
          admin
              .resources(TcpProfile.class)
              .withName("footprint")
              .edit(
                  p -> {
                    p.getMetadata().setFinalizers(List.of());
                    return p;
                  });
          admin.resources(TcpProfile.class).withName("footprint").delete();
        }
        admin.nodes().withName(NODE).delete();
        admin.resources(TcpNodeState.class).withName(NODE).delete();
      }
    } finally {
      runner.run(List.of("ip", "netns", "del", nsName));
    }
    return figures;
  }

  /**
   * The JVM settings of the agent's container as the operator's DaemonSet sets them: {@code
   * JAVA_TOOL_OPTIONS} and {@code MALLOC_ARENA_MAX}. The rest of its environment (paths, intervals)
   * is the pod's, not the process's.
   */
  static Map<String, String> daemonSetEnv(OperatorConfig config) {
    Map<String, String> env = new TreeMap<>();
    AgentDaemonSet.desired(config.agent(), Convergence.NAMESPACE)
        .getSpec()
        .getTemplate()
        .getSpec()
        .getContainers()
        .get(0)
        .getEnv()
        .stream()
        .filter(e -> PROCESS_ENV.contains(e.getName()))
        .forEach(e -> env.put(e.getName(), e.getValue()));
    if (!env.containsKey("JAVA_TOOL_OPTIONS")) {
      throw new IllegalStateException("the agent DaemonSet sets no JAVA_TOOL_OPTIONS");
    }
    return env;
  }

  /**
   * The client settings of the agent and of {@link BareWatcher} as environment variables, the way a
   * pod gets them, with no kubeconfig file (certificates written to files in {@code dir}). Reading
   * a kubeconfig goes through fabric8's static serialization, which loads and instantiates every
   * resource class of the class path (about 600 here, several MiB of metaspace) to map kinds: a
   * cost the agent never pays in a pod, so it must not be measured.
   */
  private static Map<String, String> podStyleClientEnv(Path kubeconfig, Path dir)
      throws IOException {
    Config config = Config.fromKubeconfig(Files.readString(kubeconfig));
    return Map.of(
        "KUBERNETES_AUTH_TRYKUBECONFIG", "false",
        "KUBERNETES_AUTH_TRYSERVICEACCOUNT", "false",
        "KUBERNETES_MASTER", config.getMasterUrl().replaceAll("/$", ""),
        "KUBERNETES_CERTS_CA_FILE",
            pemFile(dir, "ca.crt", config.getCaCertData(), config.getCaCertFile()),
        "KUBERNETES_CERTS_CLIENT_FILE",
            pemFile(dir, "client.crt", config.getClientCertData(), config.getClientCertFile()),
        "KUBERNETES_CERTS_CLIENT_KEY_FILE",
            pemFile(dir, "client.key", config.getClientKeyData(), config.getClientKeyFile()));
  }

  /** The file a kubeconfig names, or its inline (base64) data written to one. */
  private static String pemFile(Path dir, String name, String data, String file)
      throws IOException {
    if (data == null) {
      return Objects.requireNonNull(file, name + ": the kubeconfig has neither data nor file");
    }
    Path path = dir.resolve(name);
    Files.write(path, Base64.getDecoder().decode(data));
    return path.toString();
  }

  /**
   * {@link BareWatcher} in the agent's namespace, from a jar of its own, with the agent's flags and
   * client settings.
   */
  private Process bareWatcher(
      NetworkNamespace ns, Path dir, Map<String, String> processEnv, Map<String, String> clientEnv)
      throws IOException {
    Path jar =
        BareWatcher.writeJar(
            Path.of(
                BareWatcher.class.getProtectionDomain().getCodeSource().getLocation().getPath()),
            dir.resolve("bare-watcher.jar"));
    ProcessBuilder builder =
        new ProcessBuilder(
                ns.wrap(List.of(Java.binary(), "-cp", jar.toString(), BareWatcher.class.getName())))
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve("bare.log").toFile());
    builder.environment().putAll(clientEnv);
    builder.environment().putAll(processEnv);
    builder.environment().put("NODE_NAME", NODE);
    return builder.start();
  }

  private List<Figure> measure(
      NetworkNamespace ns,
      NamespaceApiAccess api,
      Path dir,
      TcpProfile profile,
      Map<String, String> daemonSetEnv)
      throws Exception {
    String flags = options.agentJvmFlags().orElse(daemonSetEnv.get("JAVA_TOOL_OPTIONS"));
    String jvmFlags = flags + " -XX:MaxRAM=" + AGENT_MAX_RAM;
    // The agent and the floor beside it run with the DaemonSet's process settings.
    Map<String, String> processEnv = new TreeMap<>(daemonSetEnv);
    processEnv.put("JAVA_TOOL_OPTIONS", jvmFlags);
    ProcessBuilder agentBuilder =
        new ProcessBuilder(
                ns.wrap(
                    List.of(
                        Java.binary(),
                        "-jar",
                        options.jar().toString(),
                        "agent",
                        "--netns",
                        ns.name().orElseThrow(),
                        "--check-interval",
                        "10s",
                        "--state-dir",
                        dir.resolve("state").toString())))
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve("agent.log").toFile());
    agentBuilder.environment().putAll(processEnv);
    agentBuilder.environment().put("NODE_NAME", NODE);
    Map<String, String> clientEnv = podStyleClientEnv(api.kubeconfig(), dir);
    agentBuilder.environment().putAll(clientEnv);
    Process agent = agentBuilder.start();
    Process bare;
    try {
      bare = bareWatcher(ns, dir, processEnv, clientEnv);
    } catch (IOException | RuntimeException e) {
      stop(agent);
      throw e;
    }
    Process exporter = null;
    int exporterPort = OperatorMemory.freePort();
    if (Files.isExecutable(options.nodeExporter())) {
      exporter =
          new ProcessBuilder(
                  options.nodeExporter().toString(),
                  "--web.listen-address=127.0.0.1:" + exporterPort,
                  "--collector.disable-defaults",
                  "--collector.netstat",
                  "--collector.sockstat",
                  "--collector.tcpstat",
                  "--collector.stat")
              .redirectErrorStream(true)
              .redirectOutput(dir.resolve("node_exporter.log").toFile())
              .start();
    } else {
      out.println(
          "  node_exporter not found at "
              + options.nodeExporter()
              + " (bench/build-node-exporter.sh builds it): no baseline in this run");
    }
    try (ProcSampler agentSamples = new ProcSampler(agent.pid()).start();
        ProcSampler bareSamples = new ProcSampler(bare.pid()).start();
        ProcSampler exporterSamples =
            exporter == null ? null : new ProcSampler(exporter.pid()).start()) {
      Convergence.await(
          Duration.ofMinutes(2),
          "the agent to report its node Applied",
          () -> {
            if (!agent.isAlive()) {
              throw new IllegalStateException("the agent exited: " + log(dir, "agent.log"));
            }
            return applied();
          });
      long from = System.nanoTime();
      long end = from + options.footprint().toNanos();
      int agentScrapes = 0;
      int exporterScrapes = 0;
      while (System.nanoTime() < end) {
        if (scrapeAgent(ns)) {
          agentScrapes++;
        }
        if (exporter != null && scrape(exporterPort)) {
          exporterScrapes++;
        }
        Thread.sleep(
            Math.min(SCRAPE.toMillis(), Math.max(1, (end - System.nanoTime()) / 1_000_000)));
      }
      if (!agent.isAlive()) {
        throw new IllegalStateException("the agent exited: " + log(dir, "agent.log"));
      }
      String bareLog = log(dir, "bare.log");
      if (!bare.isAlive()
          || !bareLog.contains("watch ADDED")
          || !bareLog.matches("(?s).*read generation [0-9]+.*")) {
        // A floor that failed to read or watch would measure less work than the agent does.
        throw new IllegalStateException("the bare watcher did not read and watch: " + bareLog);
      }
      ProcSampler.Summary a = agentSamples.summary(from);
      String agentBreakdown = ProcSampler.breakdown(agent.pid());
      String exporterBreakdown = exporter == null ? "" : ProcSampler.breakdown(exporter.pid());
      List<Figure> figures = new ArrayList<>();
      String load = "load average " + Machine.loadAverage();
      figures.add(
          Figure.checked(
              "agent resident memory",
              String.format(
                  "peak %.1f MiB (VmHWM %.1f), average %.1f MiB over %d s, %d scrapes;"
                      + " at the end %s; environment %s; %s",
                  a.peakRssMib(),
                  a.hwmMib(),
                  a.averageRssMib(),
                  options.footprint().toSeconds(),
                  agentScrapes,
                  agentBreakdown,
                  processEnv,
                  load),
              "<= 64 MiB",
              a.peakRssMib() <= 64));
      figures.add(
          Figure.checked(
              "agent CPU",
              String.format(
                  "%.3f%% of one core on average over %d s",
                  a.cpuPercent(), options.footprint().toSeconds()),
              "< 0.5%",
              a.cpuPercent() < 0.5));
      ProcSampler.Summary b = bareSamples.summary(from);
      figures.add(
          Figure.of(
              "baseline: the agent's API calls alone",
              String.format(
                  "peak %.1f MiB (VmHWM %.1f), average %.1f MiB, %.3f%% of one core; at the end %s"
                      + " (BareWatcher: the JDK's HTTP client and Jackson, no Kubernetes"
                      + " client, watching the same TcpNodeState and reading it every 10 s over"
                      + " TLS; same JVM flags)",
                  b.peakRssMib(),
                  b.hwmMib(),
                  b.averageRssMib(),
                  b.cpuPercent(),
                  ProcSampler.breakdown(bare.pid()))));
      if (exporterSamples != null) {
        ProcSampler.Summary e = exporterSamples.summary(from);
        figures.add(
            Figure.of(
                "baseline node_exporter " + NodeExporterVersion.VERSION,
                String.format(
                    "peak %.1f MiB (VmHWM %.1f), average %.1f MiB, %.3f%% of one core, %d scrapes"
                        + " (netstat, sockstat, tcpstat, stat collectors); at the end %s",
                    e.peakRssMib(),
                    e.hwmMib(),
                    e.averageRssMib(),
                    e.cpuPercent(),
                    exporterScrapes,
                    exporterBreakdown)));
      }
      return figures;
    } finally {
      stop(agent);
      stop(bare);
      if (exporter != null) {
        stop(exporter);
      }
    }
  }

  private boolean applied() {
    TcpNodeState state = admin.resources(TcpNodeState.class).withName(NODE).get();
    return state != null
        && state.getStatus() != null
        && Objects.equals(
            state.getStatus().getObservedGeneration(), state.getMetadata().getGeneration())
        && state.getStatus().getConditions().stream()
            .anyMatch(c -> "Applied".equals(c.getType()) && "True".equals(c.getStatus()));
  }

  /** The agent's /metrics inside its namespace, fetched as Prometheus would, with curl. */
  private boolean scrapeAgent(NetworkNamespace ns) {
    return runner
        .run(ns.wrap(List.of("curl", "-sf", "-o", "/dev/null", "http://127.0.0.1:9470/metrics")))
        .succeeded();
  }

  private boolean scrape(int port) throws InterruptedException {
    try {
      HttpResponse<Void> response =
          http.send(
              HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics"))
                  .timeout(Duration.ofSeconds(5))
                  .build(),
              HttpResponse.BodyHandlers.discarding());
      return response.statusCode() == 200;
    } catch (IOException e) {
      return false;
    }
  }

  private TcpProfile profile() {
    String yaml =
        "apiVersion: tcptune.dev/v1alpha1\nkind: TcpProfile\nmetadata:\n  name: footprint\n"
            + "spec:\n  nodeSelector:\n    matchLabels:\n      bench.tcptune.dev/footprint: \"true\"\n"
            + "  mode: Enforce\n  listenQueue:\n    somaxconn: 8192\n    maxSynBacklog: 8192\n"
            + "  keepalive:\n    timeSeconds: 600\n    intervalSeconds: 30\n    probes: 5\n";
    return admin
        .resources(TcpProfile.class)
        .load(new ByteArrayInputStream(yaml.getBytes(StandardCharsets.UTF_8)))
        .item();
  }

  private static String log(Path dir, String name) {
    try {
      return Files.readString(dir.resolve(name));
    } catch (IOException e) {
      return e.toString();
    }
  }

  private static void stop(Process process) throws InterruptedException {
    process.destroy();
    if (!process.waitFor(15, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      process.waitFor(10, TimeUnit.SECONDS);
    }
  }
}
