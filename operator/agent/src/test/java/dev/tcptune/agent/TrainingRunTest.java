package dev.tcptune.agent;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.jdkhttp.JdkHttpClientFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The training run of the image build gets as far as a real agent's first status write and a scrape
 * (it throws otherwise), and leaves nothing behind; the build would otherwise ship an image without
 * its class-data archive and only warn.
 */
class TrainingRunTest {

  @Test
  void writesAStatusOverTlsAndCleansUp(@TempDir Path dir) throws Exception {
    TrainingRun.run(
        dir,
        kubeconfig ->
            new KubernetesClientBuilder()
                .withConfig(Config.fromKubeconfig(kubeconfig))
                .withHttpClientFactory(new JdkHttpClientFactory())
                .withKubernetesSerialization(AgentSerialization.create())
                .build());
    try (Stream<Path> left = Files.list(dir)) {
      assertThat(left).isEmpty();
    }
  }
}
