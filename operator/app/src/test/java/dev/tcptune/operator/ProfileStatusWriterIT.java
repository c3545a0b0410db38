package dev.tcptune.operator;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tcptune.api.v1alpha1.TcpProfile;
import dev.tcptune.api.v1alpha1.TcpProfileStatus;
import dev.tcptune.status.ConditionFactory;
import dev.tcptune.testing.RealApiServer;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A profile's status and its Events are written once per transition, also when the reconcile works
 * from a cached copy of the profile that is behind the server (seen on the real operator: two
 * reconciles in a row each recorded the same Conflict Event).
 */
@RealApiServer
class ProfileStatusWriterIT {

  private static final String NAME = "status-writer-it";

  private final ConditionFactory conditions = new ConditionFactory(Clock.systemUTC());

  @AfterEach
  void cleanUp(KubernetesClient client) {
    client.resources(TcpProfile.class).withName(NAME).delete();
  }

  @Test
  void aStatusComputedFromAStaleCopyIsNeitherWrittenNorRecordedAgain(KubernetesClient client) {
    TcpProfile seen =
        client
            .resource(
                Serialization.unmarshal(
                    """
                    apiVersion: tcptune.dev/v1alpha1
                    kind: TcpProfile
                    metadata: {name: %s}
                    spec: {listenQueue: {somaxconn: 8192}}
                    """
                        .formatted(NAME),
                    TcpProfile.class))
            .create();
    ProfileStatusWriter writer = new ProfileStatusWriter(client, conditions);
    TcpProfileStatus conflict = status("Conflict", "PriorityTie");

    assertThat(writer.write(seen, conflict)).isTrue();
    assertThat(stored(client).getStatus()).isEqualTo(conflict);
    assertThat(reasons(client, seen)).containsExactly("Conflict");

    // The next reconcile still has the copy from before the write: same transition, same status.
    assertThat(writer.write(seen, conflict)).isFalse();
    assertThat(reasons(client, seen)).containsExactly("Conflict");

    // From the current copy, a new transition is written and recorded.
    TcpProfileStatus drifted = status("Drifted", "NodesDrifted");
    drifted.getConditions().addAll(conflict.getConditions());
    assertThat(writer.write(stored(client), drifted)).isTrue();
    assertThat(stored(client).getStatus()).isEqualTo(drifted);
    assertThat(reasons(client, seen)).containsExactlyInAnyOrder("Conflict", "Drifted");
  }

  private TcpProfileStatus status(String type, String reason) {
    TcpProfileStatus status = new TcpProfileStatus();
    status.setObservedGeneration(1L);
    status.setConditions(
        new ArrayList<>(
            List.of(conditions.condition(type, true, reason, "node n1: why", 1, List.of()))));
    return status;
  }

  private static TcpProfile stored(KubernetesClient client) {
    return client.resources(TcpProfile.class).withName(NAME).get();
  }

  /** The reasons of the Events recorded for this very profile (by uid). */
  private static List<String> reasons(KubernetesClient client, TcpProfile profile) {
    return client.v1().events().inNamespace(EventRecorder.NAMESPACE).list().getItems().stream()
        .filter(e -> profile.getMetadata().getUid().equals(e.getInvolvedObject().getUid()))
        .map(Event::getReason)
        .toList();
  }
}
