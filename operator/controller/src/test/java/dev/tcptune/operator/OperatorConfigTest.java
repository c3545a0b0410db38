package dev.tcptune.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class OperatorConfigTest {

  @Test
  void defaultsWhenNothingIsSet() {
    OperatorConfig config = OperatorConfig.fromEnvironment(Map.of());

    assertThat(config.namespace()).isEqualTo("tcptune-system");
    assertThat(config.leaderElection()).isTrue();
    assertThat(config.leaseDuration()).isEqualTo(Duration.ofSeconds(15));
    assertThat(config.restoreTimeout()).isEqualTo(Duration.ofMinutes(5));
    assertThat(config.agent().memoryLimit()).isEqualTo("128Mi");
    assertThat(config.agent().nodeSelector()).isEmpty();
  }

  @Test
  void readsEveryVariable() {
    OperatorConfig config =
        OperatorConfig.fromEnvironment(
            Map.of(
                "TCPTUNE_NAMESPACE", "ops",
                "POD_NAME", "op-0",
                "TCPTUNE_LEADER_ELECTION", "false",
                "TCPTUNE_AGENT_NODE_SELECTOR", "pool=web, zone=a",
                "TCPTUNE_AGENT_CHECK_INTERVAL", "PT5S"));

    assertThat(config.namespace()).isEqualTo("ops");
    assertThat(config.identity()).isEqualTo("op-0");
    assertThat(config.leaderElection()).isFalse();
    assertThat(config.agent().nodeSelector())
        .containsExactlyInAnyOrderEntriesOf(Map.of("pool", "web", "zone", "a"));
    assertThat(config.agent().checkInterval()).isEqualTo(Duration.ofSeconds(5));
  }

  @Test
  void badValuesNameTheVariableTheValueAndWhatIsAllowed() {
    assertThatThrownBy(
            () -> OperatorConfig.fromEnvironment(Map.of("TCPTUNE_RESTORE_TIMEOUT", "5m")))
        .hasMessage(
            "TCPTUNE_RESTORE_TIMEOUT: '5m' is not allowed (allowed: an ISO-8601 duration such as PT30S)");
    assertThatThrownBy(
            () -> OperatorConfig.fromEnvironment(Map.of("TCPTUNE_LEASE_DURATION", "PT1S")))
        .hasMessageContaining(
            "TCPTUNE_LEASE_DURATION: PT1S is not allowed (allowed: at least PT3S)");
    assertThatThrownBy(
            () -> OperatorConfig.fromEnvironment(Map.of("TCPTUNE_AGENT_NODE_SELECTOR", "pool")))
        .hasMessage("TCPTUNE_AGENT_NODE_SELECTOR: 'pool' is not allowed (allowed: key=value,...)");
  }

  @Test
  void agentDaemonSetIsAPureFunctionOfTheConfig() {
    OperatorConfig.AgentConfig agent =
        OperatorConfig.fromEnvironment(
                Map.of(
                    "TCPTUNE_AGENT_IMAGE",
                    "registry/tcptune:1.2",
                    "TCPTUNE_AGENT_TOLERATE_ALL",
                    "false"))
            .agent();

    var first = AgentDaemonSet.desired(agent, "ops");
    var second = AgentDaemonSet.desired(agent, "ops");

    assertThat(first).isEqualTo(second);
    var pod = first.getSpec().getTemplate().getSpec();
    assertThat(pod.getContainers().get(0).getImage()).isEqualTo("registry/tcptune:1.2");
    assertThat(pod.getTolerations()).isEmpty();
    assertThat(first.getMetadata().getNamespace()).isEqualTo("ops");
  }

  @Test
  void agentRunsWithNetAdminAloneByDefault() {
    var pod =
        AgentDaemonSet.desired(OperatorConfig.fromEnvironment(Map.of()).agent(), "ops")
            .getSpec()
            .getTemplate()
            .getSpec();
    var agent = pod.getContainers().get(0);
    var security = agent.getSecurityContext();

    assertThat(pod.getHostNetwork()).isTrue();
    assertThat(security.getPrivileged()).isFalse();
    assertThat(security.getAllowPrivilegeEscalation()).isFalse();
    assertThat(security.getCapabilities().getDrop()).containsExactly("ALL");
    assertThat(security.getCapabilities().getAdd()).containsExactly("NET_ADMIN");
    assertThat(security.getReadOnlyRootFilesystem()).isTrue();
    assertThat(security.getSeccompProfile().getType()).isEqualTo("RuntimeDefault");
    // Only the host's /proc/sys/net is writable, and the agent is told to write there.
    assertThat(pod.getVolumes())
        .filteredOn(v -> v.getHostPath() != null)
        .extracting(v -> v.getHostPath().getPath())
        .containsExactlyInAnyOrder("/proc/sys/net", "/var/lib/tcptune");
    assertThat(agent.getVolumeMounts())
        .filteredOn(m -> m.getName().equals("proc-sys-net"))
        .singleElement()
        .satisfies(
            m -> {
              assertThat(m.getMountPath()).isEqualTo("/host/proc/sys/net");
              assertThat(m.getReadOnly()).isNotEqualTo(Boolean.TRUE);
            });
    assertThat(agent.getEnv())
        .anySatisfy(
            e -> {
              assertThat(e.getName()).isEqualTo("TCPTUNE_PROC_SYS");
              assertThat(e.getValue()).isEqualTo("/host/proc/sys");
            });
  }

  @Test
  void privilegedModeIsASwitch() {
    var pod =
        AgentDaemonSet.desired(
                OperatorConfig.fromEnvironment(Map.of("TCPTUNE_AGENT_PRIVILEGED", "true")).agent(),
                "ops")
            .getSpec()
            .getTemplate()
            .getSpec();
    var agent = pod.getContainers().get(0);

    assertThat(agent.getSecurityContext().getPrivileged()).isTrue();
    assertThat(agent.getSecurityContext().getCapabilities()).isNull();
    assertThat(agent.getEnv()).noneMatch(e -> e.getName().equals("TCPTUNE_PROC_SYS"));
    assertThat(pod.getVolumes()).noneMatch(v -> v.getName().equals("proc-sys-net"));
    assertThatThrownBy(
            () -> OperatorConfig.fromEnvironment(Map.of("TCPTUNE_AGENT_PRIVILEGED", "yes")))
        .hasMessage("TCPTUNE_AGENT_PRIVILEGED: 'yes' is not allowed (allowed: true or false)");
  }
}
