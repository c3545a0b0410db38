package dev.tcptune.operator;

import dev.tcptune.api.v1alpha1.TcpProfile;
import dev.tcptune.status.ConditionFactory;
import dev.tcptune.status.ProfileEvent;
import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.ObjectReferenceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.util.Locale;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Records Events on a TcpProfile. The API server keeps Events of cluster-scoped objects in the
 * {@code default} namespace (as it does for Nodes), where {@code kubectl describe} finds them. A
 * failed Event write is logged, never fails the reconcile.
 */
final class EventRecorder {

  private static final Logger LOG = LoggerFactory.getLogger(EventRecorder.class);
  static final String COMPONENT = "tcptune-operator";

  private final KubernetesClient client;
  static final String NAMESPACE = "default";
  private final ConditionFactory clock;

  EventRecorder(KubernetesClient client, ConditionFactory clock) {
    this.client = client;
    this.clock = clock;
  }

  void record(TcpProfile profile, ProfileEvent event) {
    String now = clock.now();
    String name =
        profile.getMetadata().getName()
            + "."
            + event.reason().toLowerCase(Locale.ROOT)
            + "."
            + UUID.randomUUID().toString().substring(0, 8);
    try {
      client
          .v1()
          .events()
          .inNamespace(NAMESPACE)
          .resource(
              new EventBuilder()
                  .withNewMetadata()
                  .withName(name)
                  .withNamespace(NAMESPACE)
                  .endMetadata()
                  .withInvolvedObject(
                      new ObjectReferenceBuilder()
                          .withApiVersion(profile.getApiVersion())
                          .withKind(profile.getKind())
                          .withName(profile.getMetadata().getName())
                          .withUid(profile.getMetadata().getUid())
                          .build())
                  .withType(event.warning() ? "Warning" : "Normal")
                  .withReason(event.reason())
                  .withMessage(event.message())
                  .withFirstTimestamp(now)
                  .withLastTimestamp(now)
                  .withCount(1)
                  .withNewSource()
                  .withComponent(COMPONENT)
                  .endSource()
                  .build())
          .create();
      LOG.atInfo()
          .addKeyValue("profile", profile.getMetadata().getName())
          .addKeyValue("reason", event.reason())
          .log(event.message());
    } catch (KubernetesClientException e) {
      if (Thread.currentThread().isInterrupted()) {
        // The operator is stopping (fabric8 keeps the interrupt): nothing went wrong to report.
        LOG.atInfo()
            .addKeyValue("profile", profile.getMetadata().getName())
            .addKeyValue("reason", event.reason())
            .log("event not recorded: stopping");
        return;
      }
      LOG.atWarn()
          .addKeyValue("profile", profile.getMetadata().getName())
          .addKeyValue("reason", event.reason())
          .setCause(e)
          .log("event not recorded");
    }
  }
}
