package dev.tcptune.operator;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tcptune.api.v1alpha1.TcpNodeState;
import dev.tcptune.api.v1alpha1.TcpProfile;
import io.fabric8.kubernetes.api.model.WatchEvent;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import org.junit.jupiter.api.Test;

class OwnKindsTest {

  private static String event(String kind) {
    return "{\"type\":\"MODIFIED\",\"object\":{\"apiVersion\":\"tcptune.dev/v1alpha1\",\"kind\":\""
        + kind
        + "\",\"metadata\":{\"name\":\"n1\",\"resourceVersion\":\"7\"},\"spec\":{}}}";
  }

  @Test
  void watchEventsOfTheOperatorsKindsAreReadIntoTheirClasses() {
    KubernetesSerialization serialization = new KubernetesSerialization();
    TcpTuneOperator.readsOwnKinds(serialization);

    WatchEvent state = serialization.unmarshal(event("TcpNodeState"), WatchEvent.class);
    WatchEvent profile = serialization.unmarshal(event("TcpProfile"), WatchEvent.class);

    assertThat(state.getObject()).isInstanceOf(TcpNodeState.class);
    assertThat(((TcpNodeState) state.getObject()).getMetadata().getResourceVersion())
        .isEqualTo("7");
    assertThat(profile.getObject()).isInstanceOf(TcpProfile.class);
  }

  @Test
  void withoutThemFabric8ReadsThemAsGenericResources() {
    // What readsOwnKinds is for: if fabric8 one day registers custom resource classes itself, this
    // fails and the registration can go.
    WatchEvent state =
        new KubernetesSerialization().unmarshal(event("TcpNodeState"), WatchEvent.class);

    assertThat(state.getObject()).isNotInstanceOf(TcpNodeState.class);
  }
}
