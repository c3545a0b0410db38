package dev.tcptune.agent;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import dev.tcptune.kernel.catalog.KernelVersion;
import dev.tcptune.kernel.route.InMemoryRouteTable;
import dev.tcptune.kernel.route.IpFamily;
import dev.tcptune.kernel.route.Route;
import dev.tcptune.kernel.stats.SocketSnapshot;
import dev.tcptune.kernel.sysctl.InMemorySysctlStore;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Stream;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;

/**
 * One short run of the agent that touches neither a node nor a cluster: the real agent code (watch,
 * check, status patch, /metrics) on in-memory sysctls and routes, against a stub API server in this
 * process (TLS, a kubeconfig). Its only purpose is to load the classes a real agent loads, so that
 * a JVM started with {@code -XX:ArchiveClassesAtExit} can archive them at build time
 * (hack/build-image.sh): the image then maps them from a shared file instead of parsing them into
 * each agent's metaspace.
 */
public final class TrainingRun {

  static final String NODE = "training-node";

  private static final String PATH = "/apis/tcptune.dev/v1alpha1/tcpnodestates";

  /** What a TcpNodeState of a typical node carries: settings in both modes and a route. */
  private static final String OBJECT =
      """
      {"apiVersion":"tcptune.dev/v1alpha1","kind":"TcpNodeState",
       "metadata":{"name":"training-node","uid":"00000000-0000-0000-0000-000000000001",
        "generation":1,"resourceVersion":"%s","creationTimestamp":"2024-01-01T00:00:00Z",
        "labels":{"app.kubernetes.io/managed-by":"tcptune"}},
       "spec":{"profiles":["training"],"profileGenerations":{"training":1},
        "settings":[
         {"key":"net.core.somaxconn","value":"8192","profile":"training","mode":"Enforce"},
         {"key":"net.ipv4.tcp_max_syn_backlog","value":"8192","profile":"training","mode":"Enforce"},
         {"key":"net.ipv4.tcp_keepalive_time","value":"600","profile":"training","mode":"Audit"},
         {"key":"net.ipv4.tcp_fin_timeout","value":"30","profile":"training"}],
        "routes":[{"destination":"127.0.0.1","device":"lo","rtoMin":"50ms","profile":"training",
         "mode":"Enforce"}]}}
      """;

  private TrainingRun() {}

  /**
   * Runs the agent against a stub API server until its first status is written and /metrics was
   * served, then stops it.
   *
   * @param parent where the run keeps its files (removed at the end)
   * @param clientFor the Kubernetes client the real agent would build, for the given kubeconfig
   * @throws IllegalStateException when the agent did not get that far within a minute
   */
  public static void run(Path parent, Function<String, KubernetesClient> clientFor)
      throws IOException, InterruptedException {
    Path dir = Files.createTempDirectory(parent, "tcptune-training-");
    Path stateDir = Files.createDirectories(dir.resolve("state"));
    try (StubApiServer api = new StubApiServer(dir);
        // A kubeconfig as the tests and benchmarks give the agent (reading one loads fabric8's
        // model classes); TLS as with a real API server.
        KubernetesClient client = clientFor.apply(api.kubeconfig())) {
      AgentConfig config =
          new AgentConfig(
              NODE,
              Duration.ofMillis(200),
              Duration.ofMillis(200),
              AgentConfig.DEFAULT_HEARTBEAT,
              // A free port: a build machine may run something on 9470.
              freePort(),
              Optional.empty(),
              stateDir,
              AgentConfig.DEFAULT_PROC_SYS);
      try (Agent agent = Agent.startOn(kernel(), config, client)) {
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(1);
        while (!(agent.ready() && api.patches() >= 2)) {
          if (System.nanoTime() > deadline) {
            throw new IllegalStateException(
                "training run: the agent did not write its status within a minute");
          }
          Thread.sleep(50);
        }
        HttpResponse<String> metrics =
            HttpClient.newHttpClient()
                .send(
                    HttpRequest.newBuilder(
                            URI.create("http://127.0.0.1:" + agent.probePort() + "/metrics"))
                        .build(),
                    HttpResponse.BodyHandlers.ofString());
        if (metrics.statusCode() != 200) {
          throw new IllegalStateException(
              "training run: /metrics answered " + metrics.statusCode());
        }
      }
    } finally {
      try (Stream<Path> files = Files.walk(dir)) {
        files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  /** A node whose values differ from the spec, so that the run applies, and samples that change. */
  private static NodeKernel kernel() {
    return new NodeKernel(
        new InMemorySysctlStore(
            Map.of(
                "net.core.somaxconn", "4096",
                "net.ipv4.tcp_max_syn_backlog", "1024",
                "net.ipv4.tcp_keepalive_time", "7200",
                "net.ipv4.tcp_fin_timeout", "60")),
        new InMemoryRouteTable(
            List.of(Route.of(IpFamily.INET, "local", "127.0.0.1", "lo", "local"))),
        KernelVersion.of(6, 18, 0),
        "6.18.0-training",
        () ->
            new SocketSnapshot(
                Instant.now(),
                Map.of(
                    "TcpExt.ListenOverflows",
                    System.nanoTime() % 7,
                    "Tcp.RetransSegs",
                    System.nanoTime() % 11,
                    "Tcp.OutSegs",
                    System.nanoTime() % 1000),
                Map.of()),
        somaxconn -> List.of());
  }

  /**
   * The three calls the agent makes, answered as the API server would: list (the informer's first
   * sync), watch (one event, then held open), and the merge patch of the status subresource.
   */
  private static final class StubApiServer implements AutoCloseable {

    private static final String PASSWORD = "training";

    private final HttpsServer server;
    private final String certificatePem;
    private final ExecutorService executor = Executors.newCachedThreadPool();
    private final CountDownLatch closed = new CountDownLatch(1);
    private volatile int patches;

    /** Serves TLS with a key pair made for this run only (keytool of the running JVM). */
    StubApiServer(Path dir) throws IOException, InterruptedException {
      Path keyStore = dir.resolve("stub.p12");
      Path certificate = dir.resolve("stub.pem");
      keytool(
          "-genkeypair",
          "-alias",
          "stub",
          "-keyalg",
          "EC",
          "-groupname",
          "secp256r1",
          "-dname",
          "CN=127.0.0.1",
          "-ext",
          "SAN=IP:127.0.0.1",
          "-validity",
          "2",
          "-storetype",
          "PKCS12",
          "-keystore",
          keyStore.toString(),
          "-storepass",
          PASSWORD,
          "-keypass",
          PASSWORD);
      keytool(
          "-exportcert",
          "-rfc",
          "-alias",
          "stub",
          "-keystore",
          keyStore.toString(),
          "-storepass",
          PASSWORD,
          "-file",
          certificate.toString());
      certificatePem = Files.readString(certificate);
      try {
        KeyStore keys = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(keyStore)) {
          keys.load(in, PASSWORD.toCharArray());
        }
        KeyManagerFactory kmf =
            KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(keys, PASSWORD.toCharArray());
        SSLContext tls = SSLContext.getInstance("TLS");
        tls.init(kmf.getKeyManagers(), null, null);
        server = HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
        server.setHttpsConfigurator(new HttpsConfigurator(tls));
      } catch (GeneralSecurityException e) {
        throw new IOException("cannot set up TLS for the stub API server", e);
      }
      server.createContext(PATH, this::handle);
      server.setExecutor(executor);
      server.start();
    }

    private static void keytool(String... args) throws IOException, InterruptedException {
      List<String> command = new ArrayList<>();
      command.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
      command.addAll(List.of(args));
      Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
      String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (p.waitFor() != 0) {
        throw new IOException("keytool " + args[0] + " failed: " + output);
      }
    }

    String kubeconfig() {
      String ca =
          Base64.getEncoder().encodeToString(certificatePem.getBytes(StandardCharsets.US_ASCII));
      return """
          apiVersion: v1
          kind: Config
          clusters:
          - name: training
            cluster:
              server: https://127.0.0.1:%d
              certificate-authority-data: %s
          contexts:
          - name: training
            context:
              cluster: training
              user: training
          current-context: training
          users:
          - name: training
            user:
              token: training
          """
          .formatted(server.getAddress().getPort(), ca);
    }

    int patches() {
      return patches;
    }

    private void handle(HttpExchange exchange) throws IOException {
      try (exchange) {
        String method = exchange.getRequestMethod();
        String query = Optional.ofNullable(exchange.getRequestURI().getQuery()).orElse("");
        try (InputStream in = exchange.getRequestBody()) {
          in.readAllBytes();
        }
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        if ("PATCH".equals(method)) {
          patches++;
          respond(exchange, 200, object("3"));
        } else if (query.contains("watch=true")) {
          exchange.sendResponseHeaders(200, 0);
          OutputStream out = exchange.getResponseBody();
          out.write(
              ("{\"type\":\"MODIFIED\",\"object\":" + object("2").replace("\n", "") + "}\n")
                  .getBytes(StandardCharsets.UTF_8));
          out.flush();
          try {
            closed.await();
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
        } else if (exchange.getRequestURI().getPath().equals(PATH)) {
          respond(
              exchange,
              200,
              "{\"apiVersion\":\"tcptune.dev/v1alpha1\",\"kind\":\"TcpNodeStateList\","
                  + "\"metadata\":{\"resourceVersion\":\"1\"},\"items\":["
                  + object("1")
                  + "]}");
        } else {
          respond(exchange, 200, object("1"));
        }
      }
    }

    private static String object(String resourceVersion) {
      return OBJECT.formatted(resourceVersion);
    }

    private static void respond(HttpExchange exchange, int code, String body) throws IOException {
      byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
      exchange.sendResponseHeaders(code, bytes.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(bytes);
      }
    }

    @Override
    public void close() {
      closed.countDown();
      server.stop(0);
      executor.shutdownNow();
    }
  }
}
