package dev.tcptune.bench.scale;

import dev.tcptune.agent.Agent;
import dev.tcptune.api.v1alpha1.TcpProfile;
import dev.tcptune.bench.OnExit;
import dev.tcptune.bench.Options;
import dev.tcptune.bench.Table;
import dev.tcptune.kernel.exec.ProcFiles;
import dev.tcptune.localcluster.Java;
import dev.tcptune.localcluster.LocalControlPlane;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Item 6 of docs/benchmarks.md: resident memory of the operator as its own process, run as the
 * chart runs it (its javaOptions, the JVM sized from its 384 MiB memory limit), with 1,000 nodes
 * (Node objects and real agents on in-memory kernels, in this JVM) and 20 profiles over four pools.
 *
 * <pre>
 *   java -cp bench/target/tcptune-bench.jar dev.tcptune.bench.scale.OperatorMemoryBench [--quick] [--nodes 1000] [--profiles 20] [--wait-minutes 15]
 * </pre>
 */
public final class OperatorMemoryBench {

  /** The chart's operator.javaOptions and memory limit (helm/tcptune/values.yaml). */
  static final String CHART_JAVA_OPTIONS =
      "-XX:+UseSerialGC -XX:MaxRAMPercentage=70 -XX:+ExitOnOutOfMemoryError";

  static final int CHART_MEMORY_LIMIT_MIB = 384;

  /** One setting per profile, in turn: the profiles overlap on keys, so priorities decide. */
  private static final String[] SETTINGS = {
    "keepalive: {probes: %d}",
    "keepalive: {intervalSeconds: %d}",
    "timeWait: {finTimeoutSeconds: %d}",
    "retries: {syn: %d}",
    "retries: {synAck: %d}"
  };

  private OperatorMemoryBench() {}

  public static void main(String[] args) throws Exception {
    List<String> list = List.of(args);
    Options options = Options.parse(list);
    int nodes =
        ScaleBench.option(list, "--nodes")
            .map(Integer::parseInt)
            .orElse(options.quick() ? 20 : 1000);
    int profiles =
        ScaleBench.option(list, "--profiles")
            .map(Integer::parseInt)
            .orElse(options.quick() ? 4 : 20);
    long sampleSeconds = options.quick() ? 5 : 60;
    Path repo = Path.of("").toAbsolutePath();
    Path jar = repo.resolve("operator/app/target/tcptune.jar");
    Path work = Files.createTempDirectory("bench-operator-");
    List<Agent> agents = new ArrayList<>();
    Process operator = null;
    try (LocalControlPlane controlPlane =
            LocalControlPlane.start(s -> System.out.println("    " + s));
        OnExit onExit = OnExit.close(controlPlane)) {
      KubernetesClient admin = controlPlane.adminClient();
      admin
          .namespaces()
          .resource(
              new NamespaceBuilder()
                  .withNewMetadata()
                  .withName(ScaleBench.OPERATOR_NAMESPACE)
                  .endMetadata()
                  .build())
          .serverSideApply();
      ScaleBench.createNodes(admin, nodes);
      try (KubernetesClient agentClient =
          ScaleBench.client(
              Config.fromKubeconfig(controlPlane.kubeConfigYaml()), new RequestCounter(), true)) {
        agents.addAll(ScaleBench.startAgents(nodes, agentClient, work));
        List<String> argv = new ArrayList<>(List.of(Java.binary()));
        argv.addAll(Arrays.asList(CHART_JAVA_OPTIONS.split(" ")));
        argv.add("-XX:MaxRAM=" + CHART_MEMORY_LIMIT_MIB + "m");
        argv.addAll(List.of("-jar", jar.toString(), "operator"));
        ProcessBuilder builder =
            new ProcessBuilder(argv)
                .redirectErrorStream(true)
                .redirectOutput(work.resolve("operator.log").toFile());
        builder.environment().put("KUBECONFIG", controlPlane.kubeConfigFile().toString());
        builder.environment().put("TCPTUNE_NAMESPACE", ScaleBench.OPERATOR_NAMESPACE);
        builder.environment().put("POD_NAME", "bench-operator");
        builder.environment().put("TCPTUNE_LEADER_ELECTION", "false");
        builder.environment().put("TCPTUNE_PROBE_PORT", "0");
        operator = builder.start();
        for (int i = 0; i < profiles; i++) {
          admin.resource(profile(i)).create();
        }
        long start = System.nanoTime();
        int waitMinutes =
            ScaleBench.option(list, "--wait-minutes").map(Integer::parseInt).orElse(15);
        boolean converged =
            awaitAllReady(admin, profiles, nodes / ScaleBench.POOLS, operator, work, waitMinutes);
        String convergence =
            String.format(
                "%s after %.0f s",
                converged ? "every profile Ready" : "not all profiles Ready",
                (System.nanoTime() - start) / 1e9);
        System.out.println("    " + convergence);
        long rssSum = 0;
        long samples = 0;
        for (long s = 0; s < sampleSeconds; s++) {
          rssSum += kib(operator.pid(), "VmRSS:");
          samples++;
          TimeUnit.SECONDS.sleep(1);
        }
        Table table =
            new Table(
                "nodes",
                "profiles",
                "operator peak RSS MiB (VmHWM)",
                "steady RSS MiB",
                "target MiB");
        table.add(
            nodes,
            profiles,
            kib(operator.pid(), "VmHWM:") / 1024.0,
            rssSum / (double) samples / 1024.0,
            256);
        System.out.println();
        System.out.print(table);
      }
    } finally {
      if (operator != null) {
        operator.destroy();
        operator.waitFor(10, TimeUnit.SECONDS);
        operator.destroyForcibly();
      }
      agents.forEach(Agent::close);
      try (var files = Files.walk(work)) {
        files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }

  /** Profile i: one pool, its own priority, one setting of {@link #SETTINGS}, all nodes at once. */
  private static TcpProfile profile(int i) {
    String yaml =
        """
        apiVersion: tcptune.dev/v1alpha1
        kind: TcpProfile
        metadata: {name: bench-%02d}
        spec:
          nodeSelector: {matchLabels: {%s: pool-%d}}
          priority: %d
          mode: Enforce
          rollout: {maxUnavailable: "100%%"}
          %s
        """
            .formatted(
                i,
                ScaleBench.POOL,
                i % ScaleBench.POOLS,
                i,
                SETTINGS[i % SETTINGS.length].formatted(5 + i % 3));
    return Serialization.unmarshal(yaml, TcpProfile.class);
  }

  private static boolean awaitAllReady(
      KubernetesClient admin, int profiles, int perPool, Process operator, Path work, int minutes)
      throws Exception {
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(minutes);
    while (System.nanoTime() < deadline) {
      List<TcpProfile> all = admin.resources(TcpProfile.class).list().getItems();
      long ready =
          all.stream()
              .filter(
                  p ->
                      p.getStatus() != null
                          && p.getStatus().getAppliedNodes() != null
                          && p.getStatus().getAppliedNodes() == perPool)
              .count();
      if (ready == profiles) {
        return true;
      }
      if (!operator.isAlive()) {
        throw new IllegalStateException(
            "the operator exited: " + Files.readString(work.resolve("operator.log")));
      }
      TimeUnit.MILLISECONDS.sleep(500);
    }
    return false;
  }

  private static long kib(long pid, String field) throws java.io.IOException {
    return ProcFiles.read(Path.of("/proc", Long.toString(pid), "status"))
        .lines()
        .filter(l -> l.startsWith(field))
        .map(l -> Long.parseLong(l.substring(field.length()).trim().split("\\s+")[0]))
        .findFirst()
        .orElseThrow();
  }
}
