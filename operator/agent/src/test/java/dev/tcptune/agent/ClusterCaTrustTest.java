package dev.tcptune.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Base64;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ClusterCaTrustTest {

  private static final String CLUSTER_CA = "CN=tcptune-test-cluster-ca";

  @Test
  void trustsTheCaOfTheServiceAccountFileAlone() throws Exception {
    Config config = config().withCaCertFile(caFile().toString()).build();

    assertThat(ClusterCaTrust.applies(config)).isTrue();
    assertThat(issuers(ClusterCaTrust.trustManagers(config))).containsExactly(CLUSTER_CA);
  }

  @Test
  void trustsTheCaOfKubeconfigDataAlone() throws Exception {
    String data = Base64.getEncoder().encodeToString(Files.readAllBytes(caFile()));
    Config config = config().withCaCertData(data).build();

    assertThat(issuers(ClusterCaTrust.trustManagers(config))).containsExactly(CLUSTER_CA);
  }

  @Test
  void leavesTrustToFabric8WithoutACaOrWhenTrustIsConfiguredOtherwise() throws Exception {
    String ca = caFile().toString();

    assertThat(ClusterCaTrust.applies(config().build())).as("no CA").isFalse();
    assertThat(ClusterCaTrust.applies(config().withCaCertFile(ca).withTrustCerts(true).build()))
        .as("trustCerts")
        .isFalse();
    assertThat(
            ClusterCaTrust.applies(
                config().withCaCertFile(ca).withTrustStoreFile("/etc/truststore.p12").build()))
        .as("a trust store file")
        .isFalse();
  }

  @Test
  void refusesAFileWithoutACertificate(@TempDir Path dir) throws IOException {
    Path empty = Files.writeString(dir.resolve("ca.crt"), "# nothing here\n");
    Config config = config().withCaCertFile(empty.toString()).build();

    assertThatThrownBy(() -> ClusterCaTrust.trustManagers(config))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("cluster CA");
  }

  private static ConfigBuilder config() {
    return new ConfigBuilder(Config.empty()).withMasterUrl("https://127.0.0.1:6443");
  }

  private static Path caFile() throws URISyntaxException {
    return Path.of(ClusterCaTrustTest.class.getResource("/cluster-ca.crt").toURI());
  }

  private static String[] issuers(TrustManager[] managers) {
    return Arrays.stream(managers)
        .filter(X509TrustManager.class::isInstance)
        .map(X509TrustManager.class::cast)
        .flatMap(m -> Arrays.stream(m.getAcceptedIssuers()))
        .map(c -> c.getSubjectX500Principal().getName())
        .toArray(String[]::new);
  }
}
