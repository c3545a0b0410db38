package dev.tcptune.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tcptune.kernel.testing.TestNetns;
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

    int exit =
        InProcessCli.run(
            out,
            new StringWriter(),
            "explain",
            "-f",
            profile.toString(),
            "-o",
            "json",
            "--netns",
            netns.name());

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

  @Test
  void aRouteOfTheNamespaceWithItsOwnRtoMinGetsTheFiguresAProfileRuleWouldGive() throws Exception {
    netns.exec("ip", "link", "add", "d0", "type", "veth", "peer", "name", "d1");
    netns.exec("ip", "addr", "add", "10.77.0.1/24", "dev", "d0");
    netns.exec("ip", "link", "set", "d0", "up");
    netns.exec("ip", "link", "set", "d1", "up");
    netns.exec("ip", "route", "add", "10.78.0.0/24", "dev", "d0", "rto_min", "50ms");
    String header =
        """
        apiVersion: tcptune.dev/v1alpha1
        kind: TcpProfile
        metadata:
          name: retries
        spec:
          retries:
            retries2: 3
        """;
    JsonNode untuned = explainJson(header);
    JsonNode ruled =
        explainJson(
            header
                + """
                  rto:
                    routes:
                      - destination: 10.78.0.0/24
                        rtoMin: 50ms
                """);

    assertThat(untuned.at("/timings/rtoFloor").asDouble()).isEqualTo(0.2);
    assertThat(untuned.at("/routes/0/rtoMinMillis").asInt()).isEqualTo(50);
    assertThat(untuned.at("/routes/0/routes/0").asText()).contains("10.78.0.0/24", "d0");
    assertThat(untuned.at("/routes/0/timings/establishedGiveUp"))
        .isEqualTo(ruled.at("/timings/establishedGiveUp"));
    assertThat(untuned.at("/routes/0/timings/establishedGiveUp/typical").asDouble())
        .isLessThan(untuned.at("/timings/establishedGiveUp/typical").asDouble());
    assertThat(ruled.at("/routes")).isEmpty();
  }

  private JsonNode explainJson(String yaml) throws Exception {
    Path profile = dir.resolve("profile.yaml");
    Files.writeString(profile, yaml);
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int exit =
        InProcessCli.run(
            out, err, "explain", "-f", profile.toString(), "-o", "json", "--netns", netns.name());
    assertThat(exit).as(err.toString()).isZero();
    assertThat(err.toString()).isEmpty();
    return new ObjectMapper().readTree(out.toString());
  }
}
