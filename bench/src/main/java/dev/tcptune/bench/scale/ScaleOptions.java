package dev.tcptune.bench.scale;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The arguments of {@link ScaleBench}, parsed once.
 *
 * @param benchmarks which of the three to run
 * @param nodes the fleet sizes of the convergence benchmark
 * @param runs runs per fleet size and rollout
 * @param rollouts the rollouts of the convergence benchmark (all-at-once, staged or both)
 * @param idle how long writes are counted while nothing changes, and the operator's memory sampled
 *     after convergence
 * @param memoryNodes fleet size of the operator memory benchmark
 * @param memoryProfiles profiles of the operator memory benchmark
 * @param footprint how long the agent footprint is sampled
 * @param jar tcptune.jar, for the operator and agent processes
 * @param nodeExporter the node_exporter binary for the footprint baseline, when built
 * @param agentJvmFlags the footprint agent's JVM flags instead of the DaemonSet's, to compare
 *     variants; empty: the DaemonSet's
 * @param writeNodes how many states the write cost benchmark writes, per kind of write
 */
record ScaleOptions(
    Set<Benchmark> benchmarks,
    List<Integer> nodes,
    int runs,
    Set<String> rollouts,
    Duration idle,
    int memoryNodes,
    int memoryProfiles,
    Duration footprint,
    Path jar,
    Path nodeExporter,
    Optional<String> agentJvmFlags,
    int writeNodes) {

  enum Benchmark {
    CONVERGENCE("convergence"),
    OPERATOR_MEMORY("operator-memory"),
    AGENT_FOOTPRINT("agent-footprint"),
    WRITE_COST("write-cost");

    final String arg;

    Benchmark(String arg) {
      this.arg = arg;
    }
  }

  static final String USAGE =
      "usage: ScaleBench [--quick] [--nodes 10,100,1000] [--runs 5] [--rollout all|staged|both]"
          + " [--idle 60s]"
          + " [--memory-nodes 1000] [--memory-profiles 20] [--footprint 600s] [--jar PATH]"
          + " [--node-exporter PATH] [--agent-jvm-flags FLAGS] [--write-nodes 1000] [convergence]"
          + " [operator-memory] [agent-footprint] [write-cost]";

  static ScaleOptions parse(String[] args, Path root) {
    boolean quick = List.of(args).contains("--quick");
    Set<Benchmark> benchmarks = EnumSet.noneOf(Benchmark.class);
    List<Integer> nodes = quick ? List.of(10) : List.of(10, 100, 1000);
    int runs = quick ? 2 : 5;
    Set<String> rollouts = Set.of("all", "staged");
    Duration idle = Duration.ofSeconds(quick ? 10 : 60);
    int memoryNodes = quick ? 10 : 1000;
    int memoryProfiles = quick ? 3 : 20;
    Duration footprint = Duration.ofSeconds(quick ? 20 : 600);
    Path jar = root.resolve("operator/app/target/tcptune.jar");
    Path nodeExporter =
        Path.of(System.getProperty("user.home"), ".cache/tcptune-bench/bin/node_exporter");
    Optional<String> agentJvmFlags = Optional.empty();
    int writeNodes = quick ? 50 : 1000;
    for (int i = 0; i < args.length; i++) {
      String a = args[i];
      switch (a) {
        case "--quick" -> {}
        case "--nodes" -> nodes = ints(a, value(args, ++i, a));
        case "--runs" -> runs = positive(a, value(args, ++i, a));
        case "--rollout" -> rollouts = rollouts(value(args, ++i, a));
        case "--idle" -> idle = seconds(a, value(args, ++i, a));
        case "--memory-nodes" -> memoryNodes = positive(a, value(args, ++i, a));
        case "--memory-profiles" -> memoryProfiles = positive(a, value(args, ++i, a));
        case "--footprint" -> footprint = seconds(a, value(args, ++i, a));
        case "--jar" -> jar = Path.of(value(args, ++i, a)).toAbsolutePath();
        case "--node-exporter" -> nodeExporter = Path.of(value(args, ++i, a)).toAbsolutePath();
        case "--agent-jvm-flags" -> agentJvmFlags = Optional.of(value(args, ++i, a).strip());
        case "--write-nodes" -> writeNodes = positive(a, value(args, ++i, a));
        default -> benchmarks.add(benchmark(a));
      }
    }
    if (benchmarks.isEmpty()) {
      benchmarks = EnumSet.allOf(Benchmark.class);
    }
    return new ScaleOptions(
        benchmarks,
        nodes,
        runs,
        rollouts,
        idle,
        memoryNodes,
        memoryProfiles,
        footprint,
        jar,
        nodeExporter,
        agentJvmFlags,
        writeNodes);
  }

  private static Set<String> rollouts(String text) {
    return switch (text) {
      case "all", "staged" -> Set.of(text);
      case "both" -> Set.of("all", "staged");
      default ->
          throw new IllegalArgumentException(
              "--rollout: '" + text + "' is not allowed (allowed: all, staged, both)");
    };
  }

  private static Benchmark benchmark(String arg) {
    for (Benchmark b : Benchmark.values()) {
      if (b.arg.equals(arg)) {
        return b;
      }
    }
    throw new IllegalArgumentException("'" + arg + "' is not an argument here; " + USAGE);
  }

  private static String value(String[] args, int i, String flag) {
    if (i >= args.length) {
      throw new IllegalArgumentException(flag + " needs a value; " + USAGE);
    }
    return args[i];
  }

  private static List<Integer> ints(String flag, String text) {
    List<Integer> values = new ArrayList<>();
    for (String part : text.split(",")) {
      values.add(positive(flag, part.trim()));
    }
    return List.copyOf(values);
  }

  private static int positive(String flag, String text) {
    try {
      int v = Integer.parseInt(text);
      if (v > 0) {
        return v;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new IllegalArgumentException(
        flag + ": '" + text + "' is not allowed (allowed: a positive integer)");
  }

  private static Duration seconds(String flag, String text) {
    String t = text.endsWith("s") ? text.substring(0, text.length() - 1) : text;
    return Duration.ofSeconds(positive(flag, t));
  }
}
