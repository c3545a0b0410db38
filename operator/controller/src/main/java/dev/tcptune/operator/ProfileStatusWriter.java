package dev.tcptune.operator;

import dev.tcptune.api.v1alpha1.TcpProfile;
import dev.tcptune.api.v1alpha1.TcpProfileStatus;
import dev.tcptune.status.ConditionFactory;
import dev.tcptune.status.ProfileEvents;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.net.HttpURLConnection;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes a profile's status and records the Events of the transition, once. The status was computed
 * from a cached copy of the profile, which can be behind (a reconcile that runs before the informer
 * saw the previous status write): the write is made over that copy's resourceVersion, so a stale
 * copy gets a 409 Conflict and neither the write nor its Events happen again; the next reconcile
 * starts from the newer copy.
 */
final class ProfileStatusWriter {

  private static final Logger LOG = LoggerFactory.getLogger(ProfileStatusWriter.class);

  private final KubernetesClient client;
  private final ConditionFactory clock;

  ProfileStatusWriter(KubernetesClient client, ConditionFactory clock) {
    this.client = client;
    this.clock = clock;
  }

  /**
   * Replaces the status of {@code seen} with {@code status} if {@code seen} is still the stored
   * version, then records the Events between its status and {@code status}.
   *
   * @return false when {@code seen} was stale: nothing written, nothing recorded
   */
  boolean write(TcpProfile seen, TcpProfileStatus status) {
    TcpProfile fresh = new TcpProfile();
    fresh.setMetadata(
        new ObjectMetaBuilder()
            .withName(seen.getMetadata().getName())
            .withResourceVersion(seen.getMetadata().getResourceVersion())
            .build());
    fresh.setSpec(null);
    fresh.setStatus(status);
    try {
      client.resource(fresh).patchStatus();
    } catch (KubernetesClientException e) {
      if (e.getCode() != HttpURLConnection.HTTP_CONFLICT) {
        throw e;
      }
      LOG.atDebug()
          .addKeyValue("profile", seen.getMetadata().getName())
          .addKeyValue("resourceVersion", seen.getMetadata().getResourceVersion())
          .log("status computed from a stale copy; not written");
      return false;
    }
    EventRecorder recorder = new EventRecorder(client, clock);
    ProfileEvents.between(seen.getStatus(), status).forEach(e -> recorder.record(seen, e));
    return true;
  }
}
