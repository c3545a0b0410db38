package dev.tcptune.operator;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tcptune.fleet.NodeInput;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import java.util.Map;
import org.junit.jupiter.api.Test;

class NodeLabelsStoreTest {

  @Test
  void keepsNameLabelsAndVersionAndDropsTheKubeletsStatus() {
    Node full =
        new NodeBuilder()
            .withNewMetadata()
            .withName("worker-1")
            .withUid("u-1")
            .withResourceVersion("42")
            .withLabels(Map.of("pool", "edge"))
            .withAnnotations(Map.of("node.alpha.kubernetes.io/ttl", "0"))
            .endMetadata()
            .withNewSpec()
            .withPodCIDR("10.0.0.0/24")
            .endSpec()
            .withNewStatus()
            .addNewImage()
            .withNames("registry.example/app:1")
            .withSizeBytes(123L)
            .endImage()
            .endStatus()
            .build();
    NodeLabelsStore store = new NodeLabelsStore();

    store.put(store.getKey(full), full);
    Node kept = store.get(store.getKey(full));

    assertThat(kept.getMetadata().getName()).isEqualTo("worker-1");
    assertThat(kept.getMetadata().getResourceVersion()).isEqualTo("42");
    assertThat(kept.getMetadata().getLabels()).containsEntry("pool", "edge");
    assertThat(kept.getStatus()).isNull();
    assertThat(kept.getSpec()).isNull();
    assertThat(kept.getMetadata().getAnnotations()).isNullOrEmpty();
    assertThat(full.getStatus().getImages()).as("the watched object is left alone").hasSize(1);
    assertThat(new NodeInput("worker-1", kept.getMetadata().getLabels()).labels())
        .as("a plan takes the kept labels as they are, without a copy per node and plan")
        .isSameAs(kept.getMetadata().getLabels());
  }

  @Test
  void countsANodeAddedRelabelledOrRemovedButNotAStatusHeartbeat() {
    CacheChanges changes = new CacheChanges();
    NodeLabelsStore store = new NodeLabelsStore(changes);
    Node node = node("7", Map.of("pool", "edge"));

    store.put("worker-1", node);
    assertThat(changes.count()).as("added").isEqualTo(1);
    store.put("worker-1", node("8", Map.of("pool", "edge")));
    assertThat(changes.count()).as("a heartbeat: new resourceVersion, same labels").isEqualTo(1);
    store.put("worker-1", node("9", Map.of("pool", "core")));
    assertThat(changes.count()).as("relabelled").isEqualTo(2);
    store.remove("worker-1");
    store.remove("worker-1");
    assertThat(changes.count()).as("removed, once").isEqualTo(3);
  }

  private static Node node(String resourceVersion, Map<String, String> labels) {
    return new NodeBuilder()
        .withNewMetadata()
        .withName("worker-1")
        .withResourceVersion(resourceVersion)
        .withLabels(labels)
        .endMetadata()
        .build();
  }
}
