package dev.tcptune.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tcptune.kernel.testing.TestNetns;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code tcptune audit} run as a user runs it: the packaged jar as a process, against a network
 * namespace this test creates and deletes. Root only (skipped elsewhere by {@link TestNetns}).
 */
@Tag("kernel")
class AuditCliIT {

  private static final String PROFILE =
      """
      apiVersion: tcptune.dev/v1alpha1
      kind: TcpProfile
      metadata:
        name: cli-test
      spec:
        listenQueue:
          somaxconn: 8192
        keepalive:
          timeSeconds: 60
          intervalSeconds: 10
          probes: 6
        timeWait:
          localPortRange: {low: 20000, high: 60999}
        rto:
          routes:
            - destination: 127.0.0.1
              rtoMin: 20ms
      """;

  @RegisterExtension final TestNetns netns = new TestNetns();
  @TempDir Path dir;

  @Test
  void driftedNamespaceExitsOneAndShowsDesiredActualStatus() throws Exception {
    Path profile = write("p.yaml", PROFILE);

    Run run = audit("-f", profile.toString(), "--netns", netns.name());

    assertThat(run.exit).as(run.toString()).isEqualTo(1);
    assertThat(run.stdout)
        .contains("Profile cli-test on " + netns.name())
        .contains("DRIFT")
        .containsPattern("net\\.core\\.somaxconn\\s+8192\\s+4096\\s+DRIFTED")
        .containsPattern("net\\.ipv4\\.tcp_keepalive_time\\s+60\\s+7200\\s+DRIFTED")
        .containsPattern("route local/127\\.0\\.0\\.1/32/lo\\s+rto_min 20ms\\s+unset\\s+DRIFTED");
  }

  @Test
  void inSyncNamespaceExitsZero() throws Exception {
    Path profile = write("p.yaml", PROFILE);
    netns.exec(
        "sysctl",
        "-q",
        "-w",
        "net.core.somaxconn=8192",
        "net.ipv4.tcp_keepalive_time=60",
        "net.ipv4.tcp_keepalive_intvl=10",
        "net.ipv4.tcp_keepalive_probes=6",
        "net.ipv4.ip_local_port_range=20000 60999");
    netns.exec(
        "ip",
        "route",
        "change",
        "local",
        "127.0.0.1",
        "dev",
        "lo",
        "table",
        "local",
        "proto",
        "kernel",
        "scope",
        "host",
        "src",
        "127.0.0.1",
        "rto_min",
        "20ms");

    Run table = audit("-f", profile.toString(), "--netns", netns.name());
    Run json = audit("-f", profile.toString(), "--netns", netns.name(), "-o", "json");

    assertThat(table.exit).as(table.toString()).isZero();
    assertThat(table.stdout).contains("IN SYNC").doesNotContain("DRIFTED");
    assertThat(json.exit).as(json.toString()).isZero();
    JsonNode result = new ObjectMapper().readTree(json.stdout);
    assertThat(result.path("inSync").asBoolean()).isTrue();
    assertThat(result.path("report").path("settings"))
        .hasSize(5)
        .allSatisfy(s -> assertThat(s.path("status").asText()).isEqualTo("IN_SYNC"));
    assertThat(result.path("report").path("routes").get(0).path("actual").asInt()).isEqualTo(20);
  }

  @Test
  void reportsSocketStatisticsAndListenersBelowSomaxconn() throws Exception {
    Path profile = write("p.yaml", PROFILE);
    netns.startPeer("backlog", "7001");
    await()
        .atMost(Duration.ofSeconds(20))
        .until(() -> netns.exec("ss", "-ltn").stdout().contains(":7001"));

    Run run =
        audit(
            "-f",
            profile.toString(),
            "--netns",
            netns.name(),
            "-o",
            "json",
            "--rate-interval",
            "0.5");

    JsonNode result = new ObjectMapper().readTree(run.stdout);
    assertThat(result.path("ratesPerSecond").has("Tcp.RetransSegs")).isTrue();
    assertThat(result.path("ratesPerSecond").path("TcpExt.ListenOverflows").asDouble()).isZero();
    assertThat(result.path("somaxconn").asInt()).isEqualTo(8192);
    assertThat(result.path("listenersBelowSomaxconn").toString())
        .contains("\"port\":7001")
        .contains("\"backlog\":1");
    assertThat(result.path("sockets").path("listen").asLong()).isEqualTo(1);
    assertThat(result.path("sockets").has("TcpExt.ListenOverflows")).isTrue();
  }

  @Test
  void badFileExitsTwoWithOneLineNamingTheField() throws Exception {
    Path profile = write("bad.yaml", PROFILE.replace("somaxconn: 8192", "somaxconn: 100"));

    Run run = audit("-f", profile.toString(), "--netns", netns.name());

    assertThat(run.exit).isEqualTo(2);
    assertThat(run.stdout).isEmpty();
    assertThat(run.stderr.strip())
        .doesNotContain("\n")
        .isEqualTo(
            "error: "
                + profile
                + ": spec.listenQueue.somaxconn: 100 is below the allowed range 128..65535"
                + " (net.core.somaxconn)");
  }

  @Test
  void unknownNamespaceExitsTwo() throws Exception {
    Run run = audit("-f", write("p.yaml", PROFILE).toString(), "--netns", "tcpt-does-not-exist");

    assertThat(run.exit).isEqualTo(2);
    assertThat(run.stderr).contains("--netns: no network namespace named 'tcpt-does-not-exist'");
  }

  private Path write(String name, String text) throws IOException {
    return Files.writeString(dir.resolve(name), text);
  }

  private record Run(int exit, String stdout, String stderr) {}

  private Run audit(String... args) throws Exception {
    List<String> argv =
        new ArrayList<>(
            List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar",
                jar().toString(),
                "audit"));
    argv.addAll(List.of(args));
    Process process =
        new ProcessBuilder(argv)
            .redirectOutput(dir.resolve("out.txt").toFile())
            .redirectError(dir.resolve("err.txt").toFile())
            .start();
    assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("audit finished").isTrue();
    return new Run(
        process.exitValue(),
        Files.readString(dir.resolve("out.txt"), StandardCharsets.UTF_8),
        Files.readString(dir.resolve("err.txt"), StandardCharsets.UTF_8));
  }

  private static Path jar() {
    Path jar = Path.of("target/tcptune.jar");
    assertThat(jar).as("the packaged jar (run through mvn verify)").exists();
    return jar;
  }
}
