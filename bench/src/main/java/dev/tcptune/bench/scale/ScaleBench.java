package dev.tcptune.bench.scale;

import dev.tcptune.localcluster.LocalControlPlane;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Items 4, 5 and 6 of issue 11 on one real kube-apiserver + etcd: convergence of N simulated nodes,
 * the operator's memory with 1,000 nodes and 20 profiles, one agent process's footprint next to
 * node_exporter's, and what one TcpNodeState write costs the API server. Prints each figure with
 * its target; {@code bench/run scale} calls it.
 *
 * <pre>
 * mvn -B -q -pl operator/app,bench -am package -DskipTests
 * sudo java -cp bench/target/tcptune-bench.jar \
 *     dev.tcptune.bench.scale.ScaleBench [--quick] [--nodes 10,100,1000] [convergence] ...
 * </pre>
 */
public final class ScaleBench {

  private ScaleBench() {}

  public static void main(String[] args) throws Exception {
    if (System.getProperty("org.slf4j.simpleLogger.defaultLogLevel") == null) {
      System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
    }
    ScaleOptions options;
    try {
      options =
          ScaleOptions.parse(
              args, LocalControlPlane.checkout().orElse(Path.of("").toAbsolutePath()));
    } catch (IllegalArgumentException e) {
      System.err.println(e.getMessage());
      System.exit(2);
      return;
    }
    List<Figure> figures = run(options, System.out);
    System.out.println();
    System.out.println("== scale figures");
    figures.forEach(f -> System.out.println(f.line()));
    // Agents' and the operator's non-daemon threads must not keep the JVM.
    System.exit(0);
  }

  /** Runs the chosen benchmarks on one control plane; progress to {@code out}. */
  public static List<Figure> run(ScaleOptions options, PrintStream out) throws Exception {
    out.println(Machine.describe());
    List<Figure> figures = new ArrayList<>();
    LocalControlPlane controlPlane = LocalControlPlane.start(line -> out.println("  " + line));
    // A benchmark ended by a signal stops etcd and kube-apiserver too: they would outlive it.
    Thread stopOnSignal = new Thread(controlPlane::close, "stop-control-plane");
    Runtime.getRuntime().addShutdownHook(stopOnSignal);
    try {
      if (options.benchmarks().contains(ScaleOptions.Benchmark.CONVERGENCE)) {
        figures.addAll(new Convergence(controlPlane, options, out).run());
      }
      if (options.benchmarks().contains(ScaleOptions.Benchmark.OPERATOR_MEMORY)) {
        figures.addAll(new OperatorMemory(controlPlane, options, out).run());
      }
      if (options.benchmarks().contains(ScaleOptions.Benchmark.AGENT_FOOTPRINT)) {
        figures.addAll(new AgentFootprint(controlPlane, options, out).run());
      }
      if (options.benchmarks().contains(ScaleOptions.Benchmark.WRITE_COST)) {
        figures.addAll(new WriteCost(controlPlane, options, out).run());
      }
    } finally {
      try {
        Runtime.getRuntime().removeShutdownHook(stopOnSignal);
        controlPlane.close();
      } catch (IllegalStateException e) {
        // The JVM is shutting down: the hook stops the control plane.
      }
    }
    return figures;
  }
}
