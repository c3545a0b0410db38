package dev.tcptune.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * {@code bench/run --quick} as a user runs it, so that the harness cannot rot: every benchmark and
 * its baseline produce a figure, and no namespace of the benchmarks is left. Times are not checked:
 * they mean nothing on a shared machine in a few hundred milliseconds.
 */
class BenchRunIT {

  private static final Path REPO =
      Path.of(System.getProperty("tcptune.root", "..")).toAbsolutePath().normalize();

  @Test
  void quickRunGivesEveryFigureAndItsBaseline() throws Exception {
    boolean root = "root".equals(System.getProperty("user.name"));
    if (System.getenv("TCPTUNE_REQUIRE_KERNEL_TESTS") != null) {
      assertThat(root).as("CI must run the kernel benchmarks: root").isTrue();
    }
    assumeTrue(root, "the kernel benchmarks need root");

    Process run =
        new ProcessBuilder(
                REPO.resolve("bench/run").toString(),
                "--quick",
                "--no-build",
                "apply",
                "stats",
                "cli")
            .directory(REPO.toFile())
            .redirectErrorStream(true)
            .start();
    String out = new String(run.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(run.waitFor(10, TimeUnit.MINUTES)).isTrue();
    assertThat(run.exitValue()).as(out).isZero();

    for (String row :
        List.of(
            "ApplyBenchmark.tcptuneApplyAndVerify",
            "ApplyBenchmark.sysctlPPlusIpRouteChange",
            "ApplyBenchmark.sysctlP",
            "StatsBenchmark.tcptuneSample",
            "StatsBenchmark.ssSummaryPlusCloseWait",
            "StatsBenchmark.procNetTcpWhole",
            "tcptune audit -f busy-listener.yaml (launcher)",
            "java -jar tcptune.jar audit -f busy-listener.yaml",
            "tcptune explain -f busy-listener.yaml (launcher)",
            "baseline: sysctl KEYS; ss -s; ss -ltn")) {
      assertThat(out)
          .as(row)
          .containsPattern("\\| " + Pattern.quote(row) + " \\|[^\\n]*\\| [0-9]+\\.[0-9]{2} \\|");
    }
    assertThat(out).containsPattern("\\[stats\\] [0-9]+ TIME_WAIT and 100 CLOSE_WAIT");

    Process netns = new ProcessBuilder("ip", "netns", "list").start();
    String namespaces = new String(netns.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    netns.waitFor();
    assertThat(namespaces).doesNotContain("tcpt-bench-");
  }
}
