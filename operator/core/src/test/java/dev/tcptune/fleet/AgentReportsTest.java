package dev.tcptune.fleet;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tcptune.api.v1alpha1.EffectiveSetting;
import dev.tcptune.api.v1alpha1.Mode;
import dev.tcptune.api.v1alpha1.NodeSettingStatus;
import dev.tcptune.api.v1alpha1.SettingState;
import dev.tcptune.api.v1alpha1.TcpNodeState;
import dev.tcptune.api.v1alpha1.TcpNodeStateSpec;
import dev.tcptune.api.v1alpha1.TcpNodeStateStatus;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AgentReportsTest {

  @Test
  void aStateObjectKeepsItsReportAndANewObjectIsReadAnew() {
    TcpNodeState pending = state("n1", SettingState.DRIFTED);
    TcpNodeState other = state("n2", SettingState.APPLIED);
    AgentReports first = AgentReports.of(Map.of("n1", pending, "n2", other));
    assertThat(first.get("n1").doneFor("web")).isFalse();
    assertThat(first.get("n1").problemFor("web")).isPresent();

    TcpNodeState reported = state("n1", SettingState.APPLIED);
    AgentReports next = AgentReports.of(Map.of("n1", reported, "n2", other), first);

    assertThat(next.get("n2")).as("unchanged state: same report").isSameAs(first.get("n2"));
    assertThat(next.get("n1")).as("new state object: new report").isNotSameAs(first.get("n1"));
    assertThat(next.get("n1").doneFor("web")).isTrue();
    assertThat(next.get("n1").problemFor("web")).isEmpty();
    assertThat(next.get("gone")).isNull();
  }

  @Test
  void theFirstStatusEntryOfAKeyIsTheOneRead() {
    TcpNodeState state = state("n1", SettingState.FAILED);
    state
        .getStatus()
        .getSettings()
        .add(
            NodeSettingStatus.builder()
                .key("net.core.somaxconn")
                .state(SettingState.APPLIED)
                .build());

    assertThat(new AgentReport(state).problemFor("web"))
        .hasValueSatisfying(p -> assertThat(p.getMessage()).contains("failed"));
  }

  private static TcpNodeState state(String node, SettingState settingState) {
    TcpNodeState state = new TcpNodeState();
    state.setMetadata(new ObjectMetaBuilder().withName(node).withGeneration(2L).build());
    TcpNodeStateSpec spec = new TcpNodeStateSpec();
    spec.setProfiles(List.of("web"));
    spec.setProfileGenerations(new java.util.TreeMap<>(Map.of("web", 1L)));
    spec.setSettings(
        List.of(new EffectiveSetting("net.core.somaxconn", "8192", "web", Mode.ENFORCE)));
    state.setSpec(spec);
    TcpNodeStateStatus status = new TcpNodeStateStatus();
    status.setObservedGeneration(2L);
    status.setSettings(
        new java.util.ArrayList<>(
            List.of(
                NodeSettingStatus.builder()
                    .key("net.core.somaxconn")
                    .state(settingState)
                    .build())));
    state.setStatus(status);
    return state;
  }
}
