package dev.tcptune.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code tcptune explain} through the real command line, in process. */
class ExplainCommandTest {

  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  private int run(String... args) {
    return InProcessCli.run(out, err, args);
  }

  private static String example(String name) {
    return Path.of(System.getProperty("tcptune.root", "../.."), "examples", name).toString();
  }

  @Test
  void explainsTheFailFastExampleAndWarnsAboutAShortConnectTimeout() {
    int exit =
        run(
            "explain",
            "-f",
            example("fail-fast-connect.yaml"),
            "--app-connect-timeout",
            "2000",
            "--lb-idle-timeout",
            "120",
            "--kernel",
            "6.18");

    assertThat(exit).isZero();
    // synLinearTimeouts 0: SYNs resent at 1, 3, 7 s; the expiry at 15 s finds 3 sent.
    assertThat(out.toString())
        .contains("Profile fail-fast-connect:")
        .contains("figures for Linux 6.18.0 (defaults of kernel 6.18.0): tcp_syn_linear_timeouts 0")
        .contains("connect() to a silent peer fails about 15.3 s after the call")
        .contains("tcp_retries2 8 is a budget of 102.2 s from the fixed 200 ms base")
        .contains("54761 ephemeral ports")
        .contains(
            "! an application connect timeout of 2 s leaves room for one SYN retransmission (at"
                + " about 1 s; the next goes out at about 3 s)")
        .contains("! spec.keepalive.timeSeconds 7200 is not below the load balancer idle timeout");
  }

  @Test
  void aOnePortRangeIsOneConnectionAMinuteWithAWarning(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("one-port.yaml");
    Files.writeString(
        file,
        "apiVersion: tcptune.dev/v1alpha1\nkind: TcpProfile\nmetadata:\n  name: one-port\n"
            + "spec:\n  timeWait:\n    localPortRange: {low: 40000, high: 40000}\n");

    assertThat(run("explain", "-f", file.toString(), "--kernel", "6.18")).isZero();
    // It said "at most 0 new connections per second" and "No warnings."
    assertThat(out.toString())
        .contains(
            "1 ephemeral port / 60 s TIME_WAIT = at most 1 new connection every 60 s to one"
                + " destination")
        .contains("! spec.timeWait.localPortRange leaves 1 ephemeral port: at most 1 new")
        .doesNotContain("No warnings");
  }

  @Test
  void standardInputIsReadForADash() throws Exception {
    InputStream stdin = System.in;
    try {
      System.setIn(
          new ByteArrayInputStream(Files.readAllBytes(Path.of(example("fail-fast-connect.yaml")))));
      assertThat(run("explain", "-f", "-", "--kernel", "6.18")).isZero();
    } finally {
      System.setIn(stdin);
    }
    assertThat(out.toString()).contains("Profile fail-fast-connect:");
  }

  @Test
  void jsonOutputCarriesTheKernelTimingsInSecondsAndWarnings() throws Exception {
    int exit =
        run(
            "explain",
            "-f",
            example("keepalive-below-lb-idle.yaml"),
            "-o",
            "json",
            "--kernel",
            "6.6.2");

    JsonNode json = new ObjectMapper().readTree(out.toString());
    assertThat(exit).isZero();
    assertThat(json.path("profile").asText()).isEqualTo("keepalive-below-lb-idle");
    assertThat(json.path("basis").path("kernel").asText()).isEqualTo("6.6.2");
    assertThat(json.path("basis").path("source").asText()).isEqualTo("defaults of kernel 6.6.2");
    // 6.6 has no tcp_syn_linear_timeouts: the basis does not claim it.
    assertThat(json.path("basis").path("values").has("net.ipv4.tcp_syn_linear_timeouts")).isFalse();
    JsonNode keepalive = json.path("timings").path("deadPeerDetection");
    // 60 s + 6 x 10 s from the example; timers fire late, never early.
    assertThat(keepalive.path("earliest").asDouble()).isEqualTo(120.0);
    assertThat(keepalive.path("typical").asDouble()).isBetween(120.0, 132.0);
    assertThat(keepalive.path("latest").asDouble())
        .isGreaterThanOrEqualTo(keepalive.path("typical").asDouble());
    for (String figure :
        new String[] {
          "connectGiveUp",
          "synAckLastRetransmission",
          "synAckDrop",
          "establishedGiveUp",
          "orphanGiveUp",
          "finWait2Lifetime"
        }) {
      assertThat(json.path("timings").path(figure).path("typical").isNumber()).as(figure).isTrue();
    }
    assertThat(json.path("timings").path("synLinearTimeouts").asInt()).isZero();
    assertThat(json.path("warnings")).isEmpty();
  }

  @Test
  void withoutOptionsTheFiguresAreForTheRunningKernel() throws Exception {
    int exit = run("explain", "-f", example("busy-listener.yaml"), "-o", "json");

    JsonNode json = new ObjectMapper().readTree(out.toString());
    String running =
        java.nio.file.Files.readString(java.nio.file.Path.of("/proc/sys/kernel/osrelease")).strip();
    assertThat(exit).isZero();
    assertThat(json.path("basis").path("kernel").asText())
        .isEqualTo(dev.tcptune.kernel.catalog.KernelVersion.parse(running).toString());
    assertThat(json.path("basis").path("source").asText())
        .isEqualTo("read from this machine's network namespace");
  }

  @Test
  void kernelAndNetnsTogetherOrABadVersionOrNamespaceIsRefused() {
    assertThat(
            run("explain", "-f", example("busy-listener.yaml"), "--kernel", "6.6", "--netns", "x"))
        .isEqualTo(2);
    assertThat(err.toString().strip())
        .isEqualTo(
            "error: --kernel: not allowed together with --netns (allowed: one of them, or neither)");

    err.getBuffer().setLength(0);
    assertThat(run("explain", "-f", example("busy-listener.yaml"), "--kernel", "latest"))
        .isEqualTo(2);
    assertThat(err.toString().strip())
        .isEqualTo(
            "error: --kernel: 'latest' is not allowed (allowed: a version such as 6.6 or 6.18.2)");

    err.getBuffer().setLength(0);
    assertThat(run("explain", "-f", example("busy-listener.yaml"), "--netns", "no-such-ns-x1"))
        .isEqualTo(2);
    assertThat(err.toString().strip())
        .isEqualTo(
            "error: --netns: no network namespace named 'no-such-ns-x1' (see `ip netns list`)");
  }

  @Test
  void badFileOrOptionExitsTwoWithOneLine() {
    assertThat(run("explain", "-f", "/nonexistent.yaml")).isEqualTo(2);
    assertThat(err.toString().strip()).isEqualTo("error: /nonexistent.yaml: no such file");

    err.getBuffer().setLength(0);
    assertThat(run("explain", "-f", example("busy-listener.yaml"), "--app-read-timeout", "-5"))
        .isEqualTo(2);
    assertThat(err.toString().strip())
        .isEqualTo("error: --app-read-timeout: -5 is not allowed (allowed: a positive number)");
  }

  @Test
  void unknownOptionIsAUsageErrorWithExitTwo() {
    assertThat(run("audit", "--bogus")).isEqualTo(2);
    assertThat(err.toString()).contains("Unknown option: '--bogus'");
  }
}
