package dev.tcptune.agent;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class AgentConfigTest {

  @Test
  void missingNodeNameSaysWhatToSet() {
    assertThatThrownBy(() -> config(null, Duration.ofSeconds(10), 9470))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("NODE_NAME is not set")
        .hasMessageContaining("spec.nodeName");
  }

  @Test
  void everyBadValueIsNamed() {
    assertThatThrownBy(() -> config("Node_1", Duration.ofMillis(10), 70000))
        .hasMessageContaining("NODE_NAME: 'Node_1' is not a node name")
        .hasMessageContaining("--check-interval: PT0.01S is not allowed (allowed: 200ms..24h)")
        .hasMessageContaining("--metrics-port: 70000 is not allowed (allowed: 0..65535)");
  }

  @Test
  void procSysMustBeAnAbsoluteNormalPath() {
    for (String bad : new String[] {"proc/sys", "/host/../etc", "/host/./proc/sys"}) {
      assertThatThrownBy(
              () ->
                  new AgentConfig(
                      "node-1",
                      AgentConfig.DEFAULT_CHECK_INTERVAL,
                      AgentConfig.DEFAULT_STATS_INTERVAL,
                      AgentConfig.DEFAULT_HEARTBEAT,
                      0,
                      Optional.empty(),
                      Path.of("/tmp"),
                      Path.of(bad)))
          .hasMessageContaining("--proc-sys: '" + bad + "' is not allowed (allowed: an absolute");
    }
  }

  private static AgentConfig config(String node, Duration check, int port) {
    return new AgentConfig(
        node,
        check,
        AgentConfig.DEFAULT_STATS_INTERVAL,
        AgentConfig.DEFAULT_HEARTBEAT,
        port,
        Optional.empty(),
        Path.of("/tmp"),
        AgentConfig.DEFAULT_PROC_SYS);
  }
}
