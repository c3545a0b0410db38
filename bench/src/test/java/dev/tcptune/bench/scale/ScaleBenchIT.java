package dev.tcptune.bench.scale;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.tcptune.localcluster.LocalControlPlane;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The short version of the scale benchmark ({@code ScaleBench --quick}: 10 simulated nodes, the
 * operator process with 10 nodes and 3 profiles, a 20 s agent footprint, 50 writes of each kind) on
 * a real kube-apiserver + etcd, so that the harness cannot rot. It checks that every figure is
 * produced, never a time.
 */
class ScaleBenchIT {

  @Test
  void quickRunProducesEveryFigure() throws Exception {
    Path root = LocalControlPlane.checkout().orElseThrow();
    ScaleOptions options = ScaleOptions.parse(new String[] {"--quick"}, root);
    boolean runnable = Files.isRegularFile(options.jar()) && isRootWithIp();
    if (System.getenv("TCPTUNE_REQUIRE_KERNEL_TESTS") != null) {
      // CI sets this: a benchmark that cannot run there is a failure, not a silent skip.
      assertThat(runnable)
          .as("ScaleBenchIT needs root, iproute2 and " + options.jar() + " (package operator/app)")
          .isTrue();
    }
    assumeTrue(runnable, "ScaleBenchIT needs root, iproute2 and " + options.jar());
    ByteArrayOutputStream progress = new ByteArrayOutputStream();

    List<Figure> figures =
        ScaleBench.run(options, new PrintStream(progress, true, StandardCharsets.UTF_8));

    String log = progress.toString(StandardCharsets.UTF_8);
    List<String> expected =
        new ArrayList<>(
            List.of(
                "convergence all-at-once N=10",
                "writes to create a profile, all-at-once N=10",
                "writes per profile change, all-at-once N=10",
                "convergence staged (default maxUnavailable 1) N=10",
                "writes per profile change, staged (default maxUnavailable 1) N=10",
                "idle operator writes/min N=10",
                "idle agent writes/min N=10",
                "operator resident memory, N=10 P=3",
                "agent resident memory",
                "agent CPU",
                "API server CPU per write, 1 settings",
                "API server CPU per write, 5 settings",
                "API server CPU per status write, 50 watches"));
    if (Files.isExecutable(options.nodeExporter())) {
      expected.add("baseline node_exporter " + NodeExporterVersion.VERSION);
    }
    assertThat(figures).extracting(Figure::name).as(log).containsAll(expected);
    assertThat(figures).allSatisfy(f -> assertThat(f.value()).as(f.name()).isNotBlank());
    assertThat(figures)
        .filteredOn(f -> f.name().startsWith("convergence"))
        .allSatisfy(f -> assertThat(f.value()).as(f.name()).startsWith("create median"));
    assertThat(figures)
        .filteredOn(f -> f.name().contains("resident memory"))
        .allSatisfy(f -> assertThat(f.value()).as(f.name()).containsPattern("\\d+(\\.\\d)? MiB"));
    assertThat(figures)
        .filteredOn(f -> f.name().startsWith("API server CPU per status write"))
        .allSatisfy(f -> assertThat(f.value()).as(f.name()).contains("(50 events delivered)"));
  }

  private static boolean isRootWithIp() {
    try {
      return Integer.valueOf(0).equals(Files.getAttribute(Path.of("/proc/self"), "unix:uid"))
          && (Files.isExecutable(Path.of("/usr/sbin/ip"))
              || Files.isExecutable(Path.of("/sbin/ip")));
    } catch (Exception e) {
      return false;
    }
  }
}
