package dev.tcptune.operator;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tcptune.api.v1alpha1.EffectiveSetting;
import dev.tcptune.api.v1alpha1.TcpNodeState;
import dev.tcptune.api.v1alpha1.TcpNodeStateSpec;
import dev.tcptune.merge.NodeMerge;
import dev.tcptune.operator.NodeStateReconciler.Step;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** What one reconcile of a node does, from its desired spec and its current state. */
class NodeStateStepTest {

  @Test
  void aNodeDeletedAfterItsReconcileWasQueuedIsLeftAlone() {
    // The plan is made from the cache at reconcile time; a scale-down can take the Node out of it
    // after JOSDK queued the reconcile with the Node it had.
    assertThat(NodeStateReconciler.next(null, Optional.empty())).isEqualTo(Step.NOTHING);
    assertThat(NodeStateReconciler.next(null, Optional.of(state(spec("8192")))))
        .isEqualTo(Step.NOTHING);
  }

  @Test
  void aNodeWithoutStateGetsOneOnlyWhenAProfileGivesItSomething() {
    assertThat(NodeStateReconciler.next(merge(spec("8192")), Optional.empty()))
        .isEqualTo(Step.WRITE);
    assertThat(NodeStateReconciler.next(merge(new TcpNodeStateSpec()), Optional.empty()))
        .isEqualTo(Step.NOTHING);
  }

  @Test
  void aStateIsWrittenOnlyWhenItsSpecDiffers() {
    assertThat(NodeStateReconciler.next(merge(spec("8192")), Optional.of(state(spec("4096")))))
        .isEqualTo(Step.WRITE);
    assertThat(NodeStateReconciler.next(merge(spec("8192")), Optional.of(state(spec("8192")))))
        .isEqualTo(Step.NOTHING);
  }

  @Test
  void anEmptiedStateStaysUntilItsAgentReportsTheOriginalsRestored() {
    assertThat(
            NodeStateReconciler.next(
                merge(new TcpNodeStateSpec()), Optional.of(state(new TcpNodeStateSpec()))))
        .as("no report yet")
        .isEqualTo(Step.NOTHING);
  }

  private static NodeMerge merge(TcpNodeStateSpec spec) {
    return new NodeMerge("n1", spec, List.of());
  }

  private static TcpNodeStateSpec spec(String somaxconn) {
    TcpNodeStateSpec spec = new TcpNodeStateSpec();
    EffectiveSetting setting = new EffectiveSetting();
    setting.setKey("net.core.somaxconn");
    setting.setValue(somaxconn);
    spec.setSettings(List.of(setting));
    spec.setProfiles(List.of("p"));
    return spec;
  }

  private static TcpNodeState state(TcpNodeStateSpec spec) {
    TcpNodeState state = new TcpNodeState();
    state.setMetadata(new ObjectMetaBuilder().withName("n1").withGeneration(1L).build());
    state.setSpec(spec);
    return state;
  }
}
