package dev.tcptune.operator;

import dev.tcptune.api.v1alpha1.EffectiveSetting;
import dev.tcptune.api.v1alpha1.NodeSettingStatus;
import dev.tcptune.api.v1alpha1.SettingState;
import dev.tcptune.api.v1alpha1.TcpNodeState;
import dev.tcptune.api.v1alpha1.TcpNodeStateStatus;
import io.fabric8.kubernetes.api.model.ConditionBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.ArrayList;
import java.util.List;

/**
 * Plays a node's agent until the real one runs in these tests: writes the status of the node's
 * TcpNodeState the way the agent does (for the spec's current generation).
 */
final class SimulatedAgent {

  private final KubernetesClient client;

  SimulatedAgent(KubernetesClient client) {
    this.client = client;
  }

  /** Every setting of the spec in place. */
  void applied(String node) {
    report(node, SettingState.APPLIED, null, "Applied", true);
  }

  /** The kernel every simulated node reports: one without tcp_syn_linear_timeouts. */
  static final String KERNEL = "6.1.0-sim";

  /** Every setting of the spec refused by the kernel. */
  void failed(String node, String why) {
    report(node, SettingState.FAILED, why, "NotApplied", false);
  }

  /** The spec is empty and the originals are back: {@code Applied=False, reason Restored}. */
  void restored(String node) {
    report(node, SettingState.RESTORED, null, "Restored", false);
  }

  /** Writes the status as the agent does: one Applied condition with {@code reason}. */
  private void report(String node, SettingState state, String message, String reason, boolean ok) {
    TcpNodeState current = client.resources(TcpNodeState.class).withName(node).get();
    long generation = current.getMetadata().getGeneration();
    TcpNodeStateStatus status = new TcpNodeStateStatus();
    status.setObservedGeneration(generation);
    status.setKernelVersion(KERNEL);
    List<NodeSettingStatus> settings = new ArrayList<>();
    for (EffectiveSetting s : current.getSpec().getSettings()) {
      settings.add(
          NodeSettingStatus.builder()
              .key(s.getKey())
              .desired(s.getValue())
              .actual(state == SettingState.FAILED ? "1" : s.getValue())
              .original("1")
              .state(state)
              .message(message)
              .build());
    }
    if (state == SettingState.RESTORED) {
      settings.add(
          NodeSettingStatus.builder()
              .key("net.core.somaxconn")
              .actual("4096")
              .original("4096")
              .state(SettingState.RESTORED)
              .build());
    }
    status.setSettings(settings);
    status.setConditions(
        List.of(
            new ConditionBuilder()
                .withType("Applied")
                .withStatus(ok ? "True" : "False")
                .withReason(reason)
                .withMessage(message == null ? "" : message)
                .withObservedGeneration(generation)
                .withLastTransitionTime("2026-01-01T00:00:00Z")
                .build()));
    current.setStatus(status);
    client.resource(current).updateStatus();
  }
}
