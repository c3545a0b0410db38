package dev.tcptune.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tcptune.kernel.testing.TestNetns;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** {@code explain --netns}: values the profile does not set come from that namespace. */
class ExplainNetnsKernelTest {

  @RegisterExtension final TestNetns netns = new TestNetns();

  @TempDir Path dir;

  @Test
  void valuesTheProfileDoesNotSetAreReadFromTheNamespace() throws Exception {
    netns.exec("sysctl", "-q", "-w", "net.ipv4.tcp_syn_linear_timeouts=0");
    netns.exec("sysctl", "-q", "-w", "net.ipv4.tcp_syn_retries=2");
    netns.exec("sysctl", "-q", "-w", "net.ipv4.tcp_retries2=5");
    Path profile = dir.resolve("p.yaml");
    Files.writeString(
        profile,
        """
        apiVersion: tcptune.dev/v1alpha1
        kind: TcpProfile
        metadata:
          name: only-keepalive
        spec:
          keepalive:
            timeSeconds: 60
        """);
    StringWriter out = new StringWriter();
    var cli = TcpTuneCommand.commandLine();
    cli.setOut(new PrintWriter(out));
    cli.setErr(new PrintWriter(new StringWriter()));

    int exit =
        cli.execute("explain", "-f", profile.toString(), "-o", "json", "--netns", netns.name());

    JsonNode json = new ObjectMapper().readTree(out.toString());
    assertThat(exit).isZero();
    assertThat(json.at("/basis/source").asText())
        .isEqualTo("read from network namespace " + netns.name());
    assertThat(json.at("/basis/values/net.ipv4.tcp_syn_retries").asText()).isEqualTo("2");
    assertThat(json.at("/timings/synLinearTimeouts").asInt()).isZero();
    // syn_retries 2 without linear timeouts: SYNs at 1 and 3 s, the expiry at 7 s gives up.
    assertThat(json.at("/timings/connectGiveUp/earliest").asDouble()).isEqualTo(7.0);
    // retries2 5 from the namespace: a budget of 63 x 200 ms.
    assertThat(json.at("/timings/establishedBudget").asDouble()).isEqualTo(12.6);
    assertThat(json.at("/facts/0").asText())
        .contains("read from network namespace " + netns.name());
  }
}
