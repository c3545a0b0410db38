package dev.tcptune.bench.kernel;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tcptune.bench.Options;
import dev.tcptune.bench.Table;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs the kernel benchmarks (JMH) each in a network namespace of its own, made here and deleted
 * afterwards: {@code apply} (item 1) and {@code stats} (item 2, one namespace per TIME_WAIT count).
 * Needs root.
 *
 * <pre>
 *   java -cp bench/target/tcptune-bench.jar dev.tcptune.bench.kernel.KernelBench apply|stats [--quick]
 * </pre>
 */
public final class KernelBench {

  private static final ObjectMapper JSON = new ObjectMapper();

  private KernelBench() {}

  public static void main(String[] args) throws Exception {
    List<String> list = List.of(args);
    Options options = Options.parse(list);
    Table table =
        new Table("benchmark", "TIME_WAIT", "median ms", "min ms", "p90 ms", "max ms", "samples");
    if (list.contains("apply")) {
      run("^" + ApplyBenchmark.class.getName() + "\\.", List.of(), options, table);
    }
    if (list.contains("stats")) {
      List<Integer> sizes = options.quick() ? List.of(1000) : List.of(1000, 25_000, 100_000);
      for (int size : sizes) {
        // A namespace per method: TIME_WAIT sockets outlive their trial by 60 s and would add up.
        for (String method : StatsBenchmark.METHODS) {
          run(
              "^" + StatsBenchmark.class.getName() + "\\." + method + "$",
              List.of("-p", "timeWait=" + size),
              options,
              table);
        }
      }
    }
    System.out.println();
    System.out.print(table);
  }

  private static void run(String benchmark, List<String> params, Options options, Table table)
      throws Exception {
    Path results = Files.createTempFile("jmh-", ".json");
    try (BenchNamespace ns = BenchNamespace.create()) {
      String classpath =
          new File(KernelBench.class.getProtectionDomain().getCodeSource().getLocation().toURI())
              .getPath();
      List<String> jmh =
          new ArrayList<>(
              List.of(
                  ProcessHandle.current().info().command().orElse("java"),
                  "-cp",
                  classpath,
                  "org.openjdk.jmh.Main",
                  benchmark,
                  "-f",
                  "1",
                  "-wi",
                  options.quick() ? "1" : "3",
                  "-w",
                  options.quick() ? "200ms" : "2s",
                  "-i",
                  options.quick() ? "1" : "5",
                  "-r",
                  options.quick() ? "300ms" : "2s",
                  "-rf",
                  "json",
                  "-rff",
                  results.toString()));
      jmh.addAll(params);
      ProcessBuilder builder = new ProcessBuilder(ns.wrap(jmh)).inheritIO();
      builder.environment().put(InsideNamespace.ENV, ns.name());
      int exit = builder.start().waitFor();
      if (exit != 0) {
        throw new IllegalStateException(benchmark + " failed (exit " + exit + ")");
      }
    }
    for (JsonNode result : JSON.readTree(results.toFile())) {
      JsonNode metric = result.path("primaryMetric");
      JsonNode p = metric.path("scorePercentiles");
      long samples = 0;
      for (JsonNode fork : metric.path("rawDataHistogram")) {
        for (JsonNode iteration : fork) {
          for (JsonNode bucket : iteration) {
            samples += bucket.path(1).asLong();
          }
        }
      }
      String name = result.path("benchmark").asText();
      table.add(
          name.substring(name.lastIndexOf('.', name.lastIndexOf('.') - 1) + 1),
          result.path("params").path("timeWait").asText("-"),
          p.path("50.0").asDouble(),
          p.path("0.0").asDouble(),
          p.path("90.0").asDouble(),
          p.path("100.0").asDouble(),
          samples);
    }
    Files.delete(results);
  }
}
