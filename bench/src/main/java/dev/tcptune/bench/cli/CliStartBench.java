package dev.tcptune.bench.cli;

import dev.tcptune.bench.Options;
import dev.tcptune.bench.ProcessBench;
import dev.tcptune.bench.ProcessBench.Case;
import dev.tcptune.bench.ProcessBench.Result;
import dev.tcptune.bench.Table;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Item 3 of docs/benchmarks.md: {@code audit} and {@code explain} as whole processes, through the
 * launcher users run ({@code operator/app/target/tcptune}: class-data archive, C1, serial GC) and
 * as {@code java -jar}, against the same reads done with {@code sysctl} and {@code ss}. The
 * launcher's archives go to a cache directory of the benchmark's own (under bench/target), made by
 * the warm-up runs; the first run, which makes the archive, is timed apart.
 *
 * <pre>
 *   java -cp bench/target/tcptune-bench.jar dev.tcptune.bench.cli.CliStartBench [--quick]   (from the checkout)
 * </pre>
 */
public final class CliStartBench {

  private static final List<String> KEYS =
      List.of("net.core.somaxconn", "net.ipv4.tcp_max_syn_backlog", "net.ipv4.tcp_synack_retries");

  private CliStartBench() {}

  public static void main(String[] args) throws Exception {
    Options options = Options.parse(List.of(args));
    Path repo = Path.of("").toAbsolutePath();
    Path launcher = repo.resolve("operator/app/target/tcptune");
    Path jar = repo.resolve("operator/app/target/tcptune.jar");
    Path profile = repo.resolve("examples/busy-listener.yaml");
    for (Path p : List.of(launcher, jar, profile)) {
      if (!Files.exists(p)) {
        throw new IllegalStateException(p + " missing: run from the checkout after mvn package");
      }
    }
    Path cache = Files.createDirectories(repo.resolve("bench/target/cds-cache"));
    deleteArchives(cache);
    Map<String, String> env = Map.of("XDG_CACHE_HOME", cache.toString());
    ProcessBench bench = new ProcessBench(options, env);

    Table table = new Table("command", "median ms", "min ms", "max ms", "runs", "peak RSS MiB");
    long firstStart = System.nanoTime();
    new ProcessBench(new Options(true, 1, 0), env)
        .run(
            List.of(
                Case.of("first", List.of(launcher.toString(), "audit", "-f", profile.toString()))));
    double first = (System.nanoTime() - firstStart) / 1e6;

    List<String> sysctl = new ArrayList<>(List.of("sysctl"));
    sysctl.addAll(KEYS);
    List<Case> cases =
        List.of(
            Case.of(
                "tcptune audit -f busy-listener.yaml (launcher)",
                List.of(launcher.toString(), "audit", "-f", profile.toString())),
            Case.of(
                "java -jar tcptune.jar audit -f busy-listener.yaml",
                List.of("java", "-jar", jar.toString(), "audit", "-f", profile.toString())),
            Case.of(
                "tcptune explain -f busy-listener.yaml (launcher)",
                List.of(launcher.toString(), "explain", "-f", profile.toString())),
            Case.of(
                "java -jar tcptune.jar explain -f busy-listener.yaml",
                List.of("java", "-jar", jar.toString(), "explain", "-f", profile.toString())),
            new Case(
                "baseline: sysctl KEYS; ss -s; ss -ltn",
                List.of(sysctl, List.of("ss", "-s"), List.of("ss", "-ltn"))));
    for (Result r : bench.run(cases)) {
      table.add(
          r.benchCase().name(),
          r.median(),
          r.min(),
          r.max(),
          r.millis().length,
          r.peakRssKib().isPresent()
              ? String.format("%.1f", r.peakRssKib().getAsLong() / 1024.0)
              : "-");
    }
    System.out.print(table);
    System.out.printf(
        "%nfirst run of `tcptune audit` with this jar (makes the class-data archive): %.0f ms%n",
        first);
  }

  private static void deleteArchives(Path cache) throws java.io.IOException {
    Path dir = cache.resolve("tcptune");
    if (Files.isDirectory(dir)) {
      try (var files = Files.list(dir)) {
        for (Path f : files.toList()) {
          Files.delete(f);
        }
      }
    }
  }
}
