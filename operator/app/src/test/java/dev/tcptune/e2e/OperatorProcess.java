package dev.tcptune.e2e;

import static org.awaitility.Awaitility.await;

import dev.tcptune.localcluster.Java;
import dev.tcptune.testing.ControlPlane;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One operator replica as a pod runs it: {@code java -jar tcptune.jar operator}, configured from
 * the environment, with leader election on a Lease; killed with SIGKILL as a node failure or an OOM
 * kill does. Its metrics come from its probe port, as Prometheus scrapes them.
 */
final class OperatorProcess implements AutoCloseable {

  static final String LEASE = "tcptune-operator";

  private final String name;
  private final int probePort;
  private final Path log;
  private final Process process;
  private final HttpClient http = HttpClient.newHttpClient();

  private OperatorProcess(String name, int probePort, Path log, Process process) {
    this.name = name;
    this.probePort = probePort;
    this.log = log;
    this.process = process;
  }

  /** Starts replica {@code name}; {@code env} adds to (or overrides) its configuration. */
  static OperatorProcess start(
      ControlPlane controlPlane, String name, Path dir, Map<String, String> env)
      throws IOException {
    int port = freePort();
    Path log = Files.createDirectories(dir).resolve("operator-" + name + "-" + port + ".log");
    ProcessBuilder builder =
        new ProcessBuilder(
                List.of(
                    Java.binary(),
                    "-XX:TieredStopAtLevel=1",
                    "-XX:+UseSerialGC",
                    "-Xmx256m",
                    "-jar",
                    Path.of("target/tcptune.jar").toAbsolutePath().toString(),
                    "operator"))
            .redirectErrorStream(true)
            .redirectOutput(log.toFile());
    Map<String, String> environment = builder.environment();
    environment.put("KUBECONFIG", controlPlane.kubeConfigFile().toString());
    environment.put("TCPTUNE_NAMESPACE", E2eCluster.NAMESPACE);
    environment.put("POD_NAME", name);
    environment.put("TCPTUNE_PROBE_PORT", String.valueOf(port));
    environment.putAll(env);
    return new OperatorProcess(name, port, log, builder.start());
  }

  String name() {
    return name;
  }

  /** Waits until {@code /readyz} answers 200. */
  OperatorProcess awaitReady() {
    await("operator " + name + " ready")
        .atMost(E2eCluster.START)
        .pollInterval(Duration.ofMillis(250))
        .ignoreExceptions()
        .until(() -> get("/readyz").statusCode() == 200);
    return this;
  }

  /** A counter or gauge of {@code /metrics}, summed over its label sets (0 when absent). */
  double metric(String name) throws Exception {
    Matcher m =
        Pattern.compile("(?m)^" + Pattern.quote(name) + "(\\{[^}]*\\})? ([0-9.eE+-]+)$")
            .matcher(get("/metrics").body());
    double sum = 0;
    while (m.find()) {
      sum += Double.parseDouble(m.group(2));
    }
    return sum;
  }

  String logs() {
    try {
      return Files.readString(log);
    } catch (IOException e) {
      return e.toString();
    }
  }

  /** SIGKILL: no shutdown hook, no Lease release, as when the node under the pod dies. */
  void kill() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor(30, TimeUnit.SECONDS);
  }

  boolean alive() {
    return process.isAlive();
  }

  @Override
  public void close() throws InterruptedException {
    kill();
  }

  private HttpResponse<String> get(String path) throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + probePort + path))
            .timeout(Duration.ofSeconds(5))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }
}
