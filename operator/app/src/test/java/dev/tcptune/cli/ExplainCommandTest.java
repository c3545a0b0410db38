package dev.tcptune.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** {@code tcptune explain} through the real command line, in process. */
class ExplainCommandTest {

  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  private int run(String... args) {
    CommandLine cli = TcpTuneCommand.commandLine();
    cli.setOut(new PrintWriter(out));
    cli.setErr(new PrintWriter(err));
    return cli.execute(args);
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
            "120");

    assertThat(exit).isZero();
    assertThat(out.toString())
        .contains("connect() to a silent peer gives up after 15 s (3 SYN retries")
        .contains("dropped after about 102.2 s (8 retries")
        .contains("54761 ephemeral ports")
        .contains("! an application connect timeout of 2 s is shorter than the SYN retransmission")
        .contains("! spec.keepalive.timeSeconds 7200 is not below the load balancer idle timeout");
  }

  @Test
  void jsonOutputCarriesTimingsAndWarnings() throws Exception {
    int exit = run("explain", "-f", example("keepalive-below-lb-idle.yaml"), "-o", "json");

    JsonNode json = new ObjectMapper().readTree(out.toString());
    assertThat(exit).isZero();
    assertThat(json.path("profile").asText()).isEqualTo("keepalive-below-lb-idle");
    assertThat(json.path("timings").path("deadPeerDetection").asText()).isEqualTo("PT2M");
    assertThat(json.path("warnings")).isEmpty();
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
