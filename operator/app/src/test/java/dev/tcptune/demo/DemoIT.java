package dev.tcptune.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.tcptune.kernel.testing.TestNetns;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code tcptune demo} as a user runs it: {@code java -jar tcptune.jar demo} as root, its output
 * read as a user reads it, and nothing of it left afterwards: no network namespace, no etcd,
 * kube-apiserver, relay or agent process, no temporary directory, also after Ctrl-C.
 */
@Tag("kernel")
class DemoIT {

  private static final Pattern NAMESPACE = Pattern.compile("network namespace (tcpt-demo-\\S+),");
  private static final Pattern API_SERVER =
      Pattern.compile("kube-apiserver ready at https://127\\.0\\.0\\.1:(\\d+)/");
  private static final Pattern WORK_DIR = Pattern.compile("agent logs in (\\S+) ");
  private static final Duration RUN = Duration.ofMinutes(6);

  @TempDir Path dir;
  private Process demo;

  @BeforeEach
  void needsRoot() throws IOException {
    if (System.getenv("TCPTUNE_REQUIRE_KERNEL_TESTS") != null) {
      assertThat(TestNetns.available()).as("CI must run the demo: root and iproute2").isTrue();
    }
    assumeTrue(TestNetns.available(), "the demo needs root and iproute2");
  }

  @AfterEach
  void stop() {
    if (demo != null && demo.isAlive()) {
      demo.descendants().forEach(ProcessHandle::destroyForcibly);
      demo.destroyForcibly();
    }
  }

  @Test
  void runsEndToEndAndLeavesNothingBehind() throws Exception {
    demo = start();
    assertThat(demo.waitFor(RUN.toSeconds(), TimeUnit.SECONDS)).as(output()).isTrue();
    String out = output();
    assertThat(demo.exitValue()).as(out).isZero();

    // Every example is applied on every node it selects.
    for (String profile :
        List.of(
            "audit-baseline",
            "busy-listener",
            "fail-fast-connect",
            "internal-low-rto",
            "keepalive-below-lb-idle")) {
      assertThat(out)
          .containsPattern("tcpprofile.tcptune.dev/" + profile + " .* (\\d) +\\1 +0 +0 +True");
    }
    // Values read back from the namespaces, as the examples set them.
    assertThat(out).containsPattern("net.core.somaxconn +4096 -> 8192 +ENFORCE busy-listener");
    assertThat(out)
        .containsPattern(
            "net.ipv4.tcp_keepalive_time +7200 -> 60 +ENFORCE keepalive-below-lb-idle");
    assertThat(out).containsPattern("route 10.0.0.0/8 .* rto_min lock 20ms");
    assertThat(out).contains("net.core.somaxconn on demo-ingress is now 1024");
    assertThat(out)
        .containsPattern("corrected by the agent after [0-9.]+ s: net.core.somaxconn = 8192 again");
    assertThat(out)
        .containsPattern("demo-ingress +all \\d+ tuned keys back at their original values");
    assertThat(out).containsPattern("demo-api +all \\d+ tuned keys back at their original values");
    assertThat(out).containsPattern("demo-mq +all \\d+ tuned keys back at their original values");
    assertThat(out).doesNotContain("cleanup problems");
    assertNothingLeft(out);
  }

  @Test
  void ctrlCCleansUpEverything() throws Exception {
    demo = start();
    try {
      await("the simulated nodes and their agents")
          .atMost(Duration.ofMinutes(3))
          .pollInterval(Duration.ofMillis(200))
          .until(() -> !demo.isAlive() || output().contains("==> 4/6"));
    } catch (ConditionTimeoutException e) {
      throw new AssertionError("the demo did not reach step 4 in 3 minutes:\n" + output(), e);
    }
    assertThat(output()).as("the demo ended before step 4").contains("==> 4/6");

    new ProcessBuilder("kill", "-INT", String.valueOf(demo.pid())).start().waitFor();

    assertThat(demo.waitFor(2, TimeUnit.MINUTES)).as(output()).isTrue();
    assertThat(output()).doesNotContain("cleanup problems");
    assertNothingLeft(output());
  }

  @Test
  void withoutRootItSaysWhyAndDoesNothing() throws Exception {
    Path log = dir.resolve("nonroot.log");
    Process nonRoot =
        new ProcessBuilder(
                "setpriv",
                "--reuid=65534",
                "--regid=65534",
                "--clear-groups",
                java(),
                "-jar",
                jar().toString(),
                "demo")
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .start();
    assertThat(nonRoot.waitFor(1, TimeUnit.MINUTES)).isTrue();
    String out = Files.readString(log);
    assertThat(nonRoot.exitValue()).as(out).isEqualTo(2);
    assertThat(out).contains("tcptune demo needs root").contains("network namespaces");
    assertThat(out).doesNotContain("==> 1/6");
  }

  private Process start() throws IOException {
    return new ProcessBuilder(java(), "-jar", jar().toString(), "demo")
        .redirectErrorStream(true)
        .redirectOutput(dir.resolve("demo.log").toFile())
        .start();
  }

  private String output() throws IOException {
    return Files.readString(dir.resolve("demo.log"));
  }

  private void assertNothingLeft(String out) throws Exception {
    List<String> namespaces = matches(NAMESPACE, out);
    List<String> ports = matches(API_SERVER, out);
    assertThat(ports).as("the demo said where its API server was").hasSize(1);
    String netnsList = run("ip", "netns", "list");
    for (String ns : namespaces) {
      assertThat(netnsList).as("network namespace " + ns).doesNotContain(ns);
    }
    // Agents and relays carry their namespace in their command line, kube-apiserver its port.
    await("the demo's processes to be gone")
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () ->
                assertThat(ProcessHandle.allProcesses().map(DemoIT::commandLine))
                    .noneMatch(
                        cmd ->
                            namespaces.stream().anyMatch(cmd::contains)
                                || cmd.contains("--secure-port " + ports.get(0))));
    assertThat(matches(WORK_DIR, out))
        .as("the demo said where its files were")
        .singleElement()
        .satisfies(dir -> assertThat(Path.of(dir)).as("its temporary directory").doesNotExist());
  }

  private static String commandLine(ProcessHandle p) {
    return p.info().commandLine().orElse("");
  }

  private static List<String> matches(Pattern pattern, String text) {
    List<String> found = new ArrayList<>();
    Matcher m = pattern.matcher(text);
    while (m.find()) {
      found.add(m.group(1));
    }
    return found;
  }

  private static String run(String... argv) throws Exception {
    Process p = new ProcessBuilder(argv).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes());
    p.waitFor(30, TimeUnit.SECONDS);
    return out;
  }

  private static String java() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }

  private static Path jar() {
    Path jar = Path.of("target/tcptune.jar").toAbsolutePath();
    assertThat(jar).as("the packaged jar (run through mvn verify)").exists();
    return jar;
  }
}
