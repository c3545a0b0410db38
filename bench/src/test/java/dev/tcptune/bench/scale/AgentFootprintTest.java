package dev.tcptune.bench.scale;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tcptune.operator.AgentDaemonSet;
import dev.tcptune.operator.OperatorConfig;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AgentFootprintTest {

  @Test
  void theAgentRunsWithTheJvmSettingsOfTheDaemonSet() {
    OperatorConfig config =
        OperatorConfig.fromEnvironment(
            Map.of("TCPTUNE_NAMESPACE", "tcptune", "POD_NAME", "bench-footprint-operator"));

    assertThat(AgentFootprint.daemonSetEnv(config))
        .containsExactlyInAnyOrderEntriesOf(
            Map.of(
                "JAVA_TOOL_OPTIONS", AgentDaemonSet.JVM_FLAGS,
                "MALLOC_ARENA_MAX", AgentDaemonSet.MALLOC_ARENA_MAX));
  }
}
