package dev.tcptune.agent;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;

/**
 * How the agent's client reads objects. A TcpNodeState that got past admission (a CRD installed
 * without its schema) may carry a mode the model does not know; failing to read the object would
 * leave the node unreported, so an unknown mode reads as Audit: compared, never written.
 */
public final class AgentSerialization {

  private AgentSerialization() {}

  /** The serialization for the agent's Kubernetes client. */
  public static KubernetesSerialization create() {
    return new KubernetesSerialization(
        new ObjectMapper()
            .enable(DeserializationFeature.READ_UNKNOWN_ENUM_VALUES_USING_DEFAULT_VALUE),
        true);
  }
}
