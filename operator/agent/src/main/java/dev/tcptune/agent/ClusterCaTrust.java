package dev.tcptune.agent;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.http.HttpClient;
import io.fabric8.kubernetes.client.internal.CertUtils;
import io.fabric8.kubernetes.client.internal.SSLUtils;
import io.fabric8.kubernetes.client.utils.Utils;
import java.io.IOException;
import java.io.InputStream;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.util.Collection;
import java.util.function.Consumer;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;

/**
 * The agent trusts the API server's certificate authority alone (in a pod, the service account's
 * {@code ca.crt}), as client-go and kubectl do with a CA file.
 *
 * <p>fabric8 adds that CA to the JDK's default trust store: the 144 public authorities of {@code
 * cacerts}, parsed and kept for the life of the client. For an agent on every node that talks to
 * one server only, that is trust it does not need (a certificate from any public authority for the
 * server's name would be accepted) and memory it does not need (docs/benchmarks.md section 4).
 *
 * <p>When no CA is configured, or certificates are not checked at all ({@code trustCerts}), or a
 * trust store file is given, fabric8's choice stands.
 */
public final class ClusterCaTrust {

  private ClusterCaTrust() {}

  /**
   * For {@code KubernetesClientBuilder.withHttpClientBuilderConsumer}: replaces the TLS context
   * fabric8 built from {@code config} with one that trusts {@code config}'s CA certificates alone,
   * with the same client certificate.
   */
  public static Consumer<HttpClient.Builder> only(Config config) {
    if (!applies(config)) {
      return builder -> {};
    }
    TrustManager[] trust = trustManagers(config);
    return builder -> {
      try {
        builder.sslContext(SSLUtils.keyManagers(config), trust);
      } catch (GeneralSecurityException | IOException e) {
        throw KubernetesClientException.launderThrowable(e);
      }
    };
  }

  /** True when {@code config} names a CA and leaves trust to it. */
  static boolean applies(Config config) {
    return !config.isTrustCerts()
        && Utils.isNullOrEmpty(config.getTrustStoreFile())
        && (Utils.isNotNullOrEmpty(config.getCaCertData())
            || Utils.isNotNullOrEmpty(config.getCaCertFile()));
  }

  /** Trust managers holding the certificates of {@code config}'s CA file or data, and no other. */
  static TrustManager[] trustManagers(Config config) {
    try (InputStream pem =
        CertUtils.getInputStreamFromDataOrFile(config.getCaCertData(), config.getCaCertFile())) {
      Collection<? extends Certificate> cas =
          CertificateFactory.getInstance("X.509").generateCertificates(pem);
      if (cas.isEmpty()) {
        throw new IllegalStateException(
            "no certificate in the cluster CA "
                + (config.getCaCertFile() != null ? config.getCaCertFile() : "data"));
      }
      KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
      store.load(null, null);
      int i = 0;
      for (Certificate ca : cas) {
        store.setCertificateEntry("cluster-ca-" + i++, ca);
      }
      TrustManagerFactory factory =
          TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      factory.init(store);
      return factory.getTrustManagers();
    } catch (GeneralSecurityException | IOException e) {
      throw new IllegalStateException("cannot read the cluster CA: " + e.getMessage(), e);
    }
  }
}
