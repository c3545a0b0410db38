package dev.tcptune.bench.scale;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Duration;
import java.util.Base64;
import java.util.Collections;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * The floor under the agent's footprint: a JVM that does the agent's API calls and nothing else,
 * with the JDK's HTTP client and Jackson and no Kubernetes client. It watches one TcpNodeState and
 * reads it again at every check interval, over TLS with a client certificate, as the agent does; it
 * writes nothing, so the agent beside it is not disturbed. Run by {@link AgentFootprint} from a jar
 * holding Jackson and this class only ({@link #writeJar}), with the agent's JVM flags.
 *
 * <p>Settings, as the agent's client gets them: {@code KUBERNETES_MASTER}, {@code
 * KUBERNETES_CERTS_CA_FILE}, {@code KUBERNETES_CERTS_CLIENT_FILE}, {@code
 * KUBERNETES_CERTS_CLIENT_KEY_FILE} (a PKCS#1 RSA key), {@code NODE_NAME}.
 */
public final class BareWatcher {

  private static final Duration CHECK = Duration.ofSeconds(10);
  private static final String PATH = "/apis/tcptune.dev/v1alpha1/tcpnodestates";

  private BareWatcher() {}

  public static void main(String[] args) throws Exception {
    String master = System.getenv("KUBERNETES_MASTER");
    String node = System.getenv("NODE_NAME");
    HttpClient http =
        HttpClient.newBuilder()
            .sslContext(
                tls(
                    env("KUBERNETES_CERTS_CA_FILE"),
                    env("KUBERNETES_CERTS_CLIENT_FILE"),
                    env("KUBERNETES_CERTS_CLIENT_KEY_FILE")))
            .build();
    ObjectMapper json = new ObjectMapper();
    Thread watcher = new Thread(() -> watchForever(http, json, master, node), "watch");
    watcher.setDaemon(true);
    watcher.start();
    while (true) {
      JsonNode state = get(http, json, URI.create(master + PATH + "/" + node));
      System.out.println("read generation " + state.path("metadata").path("generation"));
      Thread.sleep(CHECK.toMillis());
    }
  }

  private static void watchForever(HttpClient http, ObjectMapper json, String master, String node) {
    String selector = URLEncoder.encode("metadata.name=" + node, StandardCharsets.UTF_8);
    while (true) {
      try {
        HttpResponse<Stream<String>> response =
            http.send(
                HttpRequest.newBuilder(
                        URI.create(master + PATH + "?watch=1&fieldSelector=" + selector))
                    .build(),
                HttpResponse.BodyHandlers.ofLines());
        response
            .body()
            .forEach(
                line -> {
                  try {
                    JsonNode event = json.readTree(line);
                    System.out.println("watch " + event.path("type").asText());
                  } catch (IOException e) {
                    System.out.println("bad event: " + e);
                  }
                });
      } catch (IOException e) {
        System.out.println("watch ended: " + e);
      } catch (InterruptedException e) {
        return;
      }
    }
  }

  private static JsonNode get(HttpClient http, ObjectMapper json, URI uri)
      throws IOException, InterruptedException {
    HttpResponse<InputStream> response =
        http.send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofInputStream());
    try (InputStream body = response.body()) {
      return json.readTree(body);
    }
  }

  private static SSLContext tls(Path ca, Path cert, Path key) throws Exception {
    CertificateFactory x509 = CertificateFactory.getInstance("X.509");
    KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
    trust.load(null, null);
    try (InputStream in = Files.newInputStream(ca)) {
      trust.setCertificateEntry("ca", x509.generateCertificate(in));
    }
    KeyStore keys = KeyStore.getInstance(KeyStore.getDefaultType());
    keys.load(null, null);
    Certificate[] chain;
    try (InputStream in = Files.newInputStream(cert)) {
      chain = x509.generateCertificates(in).toArray(Certificate[]::new);
    }
    keys.setKeyEntry("client", rsaKey(Files.readString(key)), new char[0], chain);
    KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    kmf.init(keys, new char[0]);
    TrustManagerFactory tmf =
        TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(trust);
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(kmf.getKeyManagers(), tmf.getTrustManagers(), null);
    return context;
  }

  /** A PKCS#1 RSA key, wrapped in the PKCS#8 structure the JDK reads. */
  private static PrivateKey rsaKey(String pem) throws Exception {
    byte[] pkcs1 =
        Base64.getMimeDecoder()
            .decode(pem.replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", ""));
    byte[] algorithm = {
      0x30,
      0x0d,
      0x06,
      0x09,
      0x2a,
      (byte) 0x86,
      0x48,
      (byte) 0x86,
      (byte) 0xf7,
      0x0d,
      0x01,
      0x01,
      0x01,
      0x05,
      0x00
    };
    byte[] version = {0x02, 0x01, 0x00};
    byte[] octets = der(0x04, pkcs1);
    byte[] body = new byte[version.length + algorithm.length + octets.length];
    System.arraycopy(version, 0, body, 0, version.length);
    System.arraycopy(algorithm, 0, body, version.length, algorithm.length);
    System.arraycopy(octets, 0, body, version.length + algorithm.length, octets.length);
    return KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(der(0x30, body)));
  }

  private static byte[] der(int tag, byte[] content) {
    int n = content.length;
    byte[] length =
        n < 0x80
            ? new byte[] {(byte) n}
            : n < 0x100
                ? new byte[] {(byte) 0x81, (byte) n}
                : new byte[] {(byte) 0x82, (byte) (n >> 8), (byte) n};
    byte[] out = new byte[1 + length.length + n];
    out[0] = (byte) tag;
    System.arraycopy(length, 0, out, 1, length.length);
    System.arraycopy(content, 0, out, 1 + length.length, n);
    return out;
  }

  private static Path env(String name) {
    String value = System.getenv(name);
    if (value == null) {
      throw new IllegalStateException(name + " is not set");
    }
    return Path.of(value);
  }

  /**
   * Writes a jar of Jackson and this class only, taken from {@code from} (the bench's own jar), so
   * the floor is measured without the 30,000 entries of the shaded jar.
   */
  static Path writeJar(Path from, Path to) throws IOException {
    String self = BareWatcher.class.getName().replace('.', '/');
    try (JarFile in = new JarFile(from.toFile());
        OutputStream file = Files.newOutputStream(to);
        JarOutputStream out = new JarOutputStream(file)) {
      for (JarEntry entry : Collections.list(in.entries())) {
        String name = entry.getName();
        if (!entry.isDirectory()
            && (name.startsWith("com/fasterxml/jackson/core/")
                || name.startsWith("com/fasterxml/jackson/databind/")
                || name.startsWith("com/fasterxml/jackson/annotation/")
                || name.startsWith(self))) {
          out.putNextEntry(new JarEntry(name));
          try (InputStream body = in.getInputStream(entry)) {
            body.transferTo(out);
          }
          out.closeEntry();
        }
      }
    }
    return to;
  }
}
