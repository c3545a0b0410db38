package dev.tcptune.bench.scale;

import dev.tcptune.api.v1alpha1.TcpProfile;
import dev.tcptune.localcluster.Java;
import dev.tcptune.localcluster.LocalControlPlane;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Item 6 of issue 11: the operator as its own process ({@code java -jar tcptune.jar operator} with
 * the chart's {@code JAVA_TOOL_OPTIONS}, and the chart's memory limit standing in for the
 * container's through {@code -XX:MaxRAM}), with N simulated nodes (agents in this JVM, so that
 * every TcpNodeState carries a real status) and P profiles. Its resident memory is its own.
 */
final class OperatorMemory {

  private static final String MEMORY_TARGET = "< 256 MiB resident";

  private final LocalControlPlane controlPlane;
  private final ScaleOptions options;
  private final PrintStream out;
  private final KubernetesClient admin;

  OperatorMemory(LocalControlPlane controlPlane, ScaleOptions options, PrintStream out) {
    this.controlPlane = controlPlane;
    this.options = options;
    this.out = out;
    this.admin = controlPlane.adminClient();
  }

  List<Figure> run() throws Exception {
    int n = options.memoryNodes();
    int p = options.memoryProfiles();
    out.printf("operator memory: %d simulated nodes, %d profiles, operator as a process%n", n, p);
    admin
        .namespaces()
        .resource(
            new NamespaceBuilder()
                .withNewMetadata()
                .withName(Convergence.NAMESPACE)
                .endMetadata()
                .build())
        .serverSideApply();
    Path dir = Files.createTempDirectory(controlPlane.workDir(), "operator-memory-");
    String javaOptions =
        ChartValues.operatorJavaOptions() + " -XX:MaxRAM=" + ChartValues.operatorMemoryLimit();
    // Where the resident memory goes, by JVM area; costs the process a few MiB of its own.
    String diagnostics = " -XX:NativeMemoryTracking=summary";
    List<Figure> figures = new ArrayList<>();
    try (KubernetesClient agentClient =
            SimulatedFleet.agentClient(controlPlane.kubeConfigYaml()).build();
        SimulatedFleet fleet =
            SimulatedFleet.start(admin, agentClient, n, dir, Duration.ofSeconds(10))) {
      Path log = dir.resolve("operator.log");
      ProcessBuilder builder =
          new ProcessBuilder(List.of(Java.binary(), "-jar", options.jar().toString(), "operator"))
              .redirectErrorStream(true)
              .redirectOutput(log.toFile());
      builder.environment().put("JAVA_TOOL_OPTIONS", javaOptions + diagnostics);
      builder.environment().put("MALLOC_ARENA_MAX", ChartValues.operatorMallocArenas());
      builder.environment().put("KUBECONFIG", controlPlane.kubeConfigFile().toString());
      builder.environment().put("TCPTUNE_NAMESPACE", Convergence.NAMESPACE);
      builder.environment().put("POD_NAME", "bench-operator-memory");
      builder.environment().put("TCPTUNE_PROBE_PORT", String.valueOf(freePort()));
      Process operator = builder.start();
      try (ProcSampler sampler = new ProcSampler(operator.pid()).start()) {
        List<String> names = new ArrayList<>();
        for (int i = 0; i < p; i++) {
          TcpProfile profile = profile(i, p);
          admin.resource(profile).create();
          names.add(profile.getMetadata().getName());
        }
        long start = System.nanoTime();
        Convergence.await(
            Duration.ofMinutes(15),
            p + " profiles Applied on their nodes",
            () -> {
              if (!operator.isAlive()) {
                throw new IllegalStateException("the operator exited: " + tail(log));
              }
              return names.stream().allMatch(this::applied);
            });
        out.printf("  %d profiles Applied after %.1f s%n", p, (System.nanoTime() - start) / 1e9);
        long steadyFrom = System.nanoTime();
        Thread.sleep(options.idle().toMillis());
        ProcSampler.Summary whole = sampler.summary(0);
        ProcSampler.Summary steady = sampler.summary(steadyFrom);
        String histogram = "; committed by area: " + nativeMemory(operator.pid());
        if (whole.hwmMib() >= 256) {
          histogram += "; top of the heap histogram: " + histogram(operator.pid());
        }
        figures.add(
            Figure.checked(
                "operator resident memory, N=" + n + " P=" + p,
                String.format(
                    "peak (VmHWM) %.0f MiB, steady %.0f MiB average (%d s after convergence);"
                        + " JAVA_TOOL_OPTIONS=\"%s\" (+%s)%s",
                    whole.hwmMib(),
                    steady.averageRssMib(),
                    options.idle().toSeconds(),
                    javaOptions,
                    diagnostics.strip(),
                    histogram),
                MEMORY_TARGET,
                whole.hwmMib() < 256));
        for (String name : names) {
          admin.resources(TcpProfile.class).withName(name).delete();
        }
        Convergence.await(
            Duration.ofMinutes(10),
            "profiles deleted and nodes restored",
            () -> admin.resources(TcpProfile.class).list().getItems().isEmpty());
      } finally {
        operator.destroy();
        if (!operator.waitFor(20, TimeUnit.SECONDS)) {
          operator.destroyForcibly();
        }
      }
    }
    Convergence.await(
        Duration.ofMinutes(2),
        "Node objects deleted",
        () -> admin.nodes().list().getItems().isEmpty());
    return figures;
  }

  /** Profiles 0..P-4 select one shard each, the last three one zone each: two per node. */
  private TcpProfile profile(int i, int p) {
    boolean zone = i >= p - 3;
    String selector =
        zone
            ? "topology.kubernetes.io/zone: zone-" + (p - 1 - i)
            : "bench.tcptune.dev/shard: \"" + i + "\"";
    String settings =
        zone
            ? "  listenQueue:\n    somaxconn: " + (8192 + i) + "\n    maxSynBacklog: 8192\n"
            : "  keepalive:\n    timeSeconds: "
                + (300 + i)
                + "\n    intervalSeconds: 30\n"
                + "    probes: 5\n  timeWait:\n    finTimeoutSeconds: 30\n";
    String yaml =
        "apiVersion: tcptune.dev/v1alpha1\nkind: TcpProfile\nmetadata:\n  name: mem-"
            + i
            + "\nspec:\n  nodeSelector:\n    matchLabels:\n      "
            + selector
            + "\n  priority: "
            + (zone ? 20 : 10)
            + "\n  mode: Enforce\n  rollout:\n    maxUnavailable: \"100%\"\n"
            + settings;
    return admin
        .resources(TcpProfile.class)
        .load(new ByteArrayInputStream(yaml.getBytes(StandardCharsets.UTF_8)))
        .item();
  }

  private boolean applied(String name) {
    TcpProfile p = admin.resources(TcpProfile.class).withName(name).get();
    return p != null
        && p.getStatus() != null
        && Objects.equals(p.getStatus().getObservedGeneration(), p.getMetadata().getGeneration())
        && p.getStatus().getMatchedNodes() != null
        && p.getStatus().getMatchedNodes() > 0
        && p.getStatus().getMatchedNodes().equals(p.getStatus().getAppliedNodes());
  }

  private static String histogram(long pid) {
    return String.join(
        " | ",
        jcmd(pid, "GC.class_histogram").lines().skip(3).limit(8).map(String::strip).toList());
  }

  /** NMT's committed MiB per area, largest first, e.g. "Java Heap 120, Class 45, ...". */
  private static String nativeMemory(long pid) {
    record Area(String name, long kib) {}
    Matcher m =
        Pattern.compile("(?m)^-\\s+(.+?) \\(reserved=\\d+KB, committed=(\\d+)KB\\)")
            .matcher(jcmd(pid, "VM.native_memory", "summary"));
    List<Area> areas = new ArrayList<>();
    while (m.find()) {
      areas.add(new Area(m.group(1).strip(), Long.parseLong(m.group(2))));
    }
    return String.join(
        ", ",
        areas.stream()
            .filter(a -> a.kib() >= 1024)
            .sorted(Comparator.comparingLong(Area::kib).reversed())
            .map(a -> a.name() + " " + a.kib() / 1024)
            .toList());
  }

  private static String jcmd(long pid, String... command) {
    List<String> argv = new ArrayList<>();
    argv.add(Path.of(Java.binary()).resolveSibling("jcmd").toString());
    argv.add(String.valueOf(pid));
    argv.addAll(List.of(command));
    try {
      Process jcmd = new ProcessBuilder(argv).redirectErrorStream(true).start();
      String text = new String(jcmd.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      jcmd.waitFor(30, TimeUnit.SECONDS);
      return text;
    } catch (IOException e) {
      return "jcmd failed: " + e.getMessage();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "interrupted";
    }
  }

  private static String tail(Path log) {
    try {
      List<String> lines = Files.readAllLines(log);
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size()));
    } catch (IOException e) {
      return e.toString();
    }
  }

  static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  /** The operator's JVM settings as the chart ships them (helm/tcptune/values.yaml). */
  static final class ChartValues {
    private ChartValues() {}

    static String operatorJavaOptions() throws IOException {
      return find("(?m)^  javaOptions: \"([^\"]*)\"");
    }

    /** The operator container's memory limit, as a -XX:MaxRAM value (e.g. 384m). */
    static String operatorMemoryLimit() throws IOException {
      String limit = find("(?m)^    limits: \\{memory: (\\d+)Mi\\}");
      return limit + "m";
    }

    /** The glibc arena limit the operator's Deployment sets. */
    static String operatorMallocArenas() throws IOException {
      return find("templates/deployment.yaml", "(?m)- name: MALLOC_ARENA_MAX\\s+value: \"(\\d+)\"");
    }

    private static String find(String regex) throws IOException {
      return find("values.yaml", regex);
    }

    private static String find(String file, String regex) throws IOException {
      Path values =
          LocalControlPlane.checkout()
              .orElseThrow(() -> new IllegalStateException("run from the tcptune checkout"))
              .resolve("helm/tcptune")
              .resolve(file);
      Matcher m = Pattern.compile(regex).matcher(Files.readString(values));
      if (!m.find()) {
        throw new IllegalStateException(values + " has no match for " + regex);
      }
      return m.group(1);
    }
  }
}
