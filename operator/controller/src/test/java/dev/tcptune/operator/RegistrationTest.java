package dev.tcptune.operator;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.javaoperatorsdk.operator.Operator;
import java.time.Clock;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The primary caches of the planning reconcilers are the stores that count their changes: with
 * JOSDK's default store a plan would never be made again after a node or profile change.
 */
class RegistrationTest {

  private final KubernetesClient client =
      new KubernetesClientBuilder()
          .withConfig(new ConfigBuilder().withMasterUrl("https://127.0.0.1:1").build())
          .build();
  private final Operator operator = new Operator(o -> o.withKubernetesClient(client));

  @AfterEach
  void close() {
    client.close();
  }

  @Test
  void nodesAreCachedInACountingLabelsOnlyStore() {
    new NodeStateReconciler(new OperatorMetrics()).register(operator);

    assertThat(itemStoreOf(NodeStateReconciler.NAME)).isInstanceOf(NodeLabelsStore.class);
  }

  @Test
  void profilesAreCachedInACountingStore() {
    new ProfileReconciler(
            new OperatorMetrics(),
            Clock.systemUTC(),
            OperatorConfig.fromEnvironment(
                Map.of("TCPTUNE_NAMESPACE", "tcptune-system", "POD_NAME", "test")))
        .register(operator);

    assertThat(itemStoreOf(ProfileReconciler.NAME)).isInstanceOf(ChangeCountingStore.class);
  }

  private Object itemStoreOf(String controller) {
    return operator
        .getRegisteredController(controller)
        .orElseThrow()
        .getConfiguration()
        .getInformerConfig()
        .getItemStore();
  }
}
