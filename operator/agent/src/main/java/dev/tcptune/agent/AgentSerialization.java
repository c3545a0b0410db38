package dev.tcptune.agent;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tcptune.api.v1alpha1.TcpNodeState;
import io.fabric8.kubernetes.api.model.Status;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;

/**
 * How the agent's client reads objects.
 *
 * <p>A TcpNodeState that got past admission (a CRD installed without its schema) may carry a mode
 * the model does not know; failing to read the object would leave the node unreported, so an
 * unknown mode reads as Audit: compared, never written.
 *
 * <p>The agent reads two kinds only: its TcpNodeState and the API server's Status (a watch's ERROR
 * event). fabric8's default scans the class path and instantiates every resource class it lists,
 * about 600 classes in this jar that an agent on every node would keep in metaspace for nothing; so
 * the scan is off and the two kinds are registered by hand.
 */
public final class AgentSerialization {

  private AgentSerialization() {}

  /** The serialization for the agent's Kubernetes client. */
  public static KubernetesSerialization create() {
    KubernetesSerialization serialization =
        new KubernetesSerialization(
            new ObjectMapper()
                .enable(DeserializationFeature.READ_UNKNOWN_ENUM_VALUES_USING_DEFAULT_VALUE),
            false);
    serialization.registerKubernetesResource(TcpNodeState.class);
    serialization.registerKubernetesResource(Status.class);
    return serialization;
  }
}
