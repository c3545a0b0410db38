package dev.tcptune.agent;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tcptune.api.v1alpha1.TcpNodeState;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.Status;
import io.fabric8.kubernetes.api.model.WatchEvent;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import org.junit.jupiter.api.Test;

/** The watch events the agent's client reads, with fabric8's class-path scan turned off. */
class AgentSerializationTest {

  private final KubernetesSerialization serialization = AgentSerialization.create();

  @Test
  void readsItsNodeStateFromAWatchEvent() {
    WatchEvent event =
        serialization.unmarshal(
            """
            {"type": "MODIFIED", "object": {"apiVersion": "tcptune.dev/v1alpha1",
             "kind": "TcpNodeState", "metadata": {"name": "n1", "resourceVersion": "7"},
             "spec": {"settings": [{"key": "net.core.somaxconn", "value": "8192"}]}}}
            """,
            WatchEvent.class);

    assertThat(event.getObject()).isInstanceOf(TcpNodeState.class);
    TcpNodeState state = (TcpNodeState) event.getObject();
    assertThat(state.getSpec().getSettings()).hasSize(1);
  }

  @Test
  void readsTheApiServersErrorAsAStatusSoTheWatchRestartsFromAList() {
    // fabric8 relists on a 410 only when the ERROR event's object is a Status.
    WatchEvent event =
        serialization.unmarshal(
            """
            {"type": "ERROR", "object": {"apiVersion": "v1", "kind": "Status",
             "status": "Failure", "reason": "Expired", "code": 410,
             "message": "too old resource version: 7 (9)"}}
            """,
            WatchEvent.class);

    assertThat(event.getObject()).isInstanceOf(Status.class);
    assertThat(((Status) event.getObject()).getCode()).isEqualTo(410);
  }

  @Test
  void knowsNoOtherKindsSoNoResourceClassIsLoadedForNothing() {
    WatchEvent event =
        serialization.unmarshal(
            """
            {"type": "ADDED", "object": {"apiVersion": "v1", "kind": "Node",
             "metadata": {"name": "n1"}}}
            """,
            WatchEvent.class);

    assertThat(event.getObject()).isExactlyInstanceOf(GenericKubernetesResource.class);
  }
}
