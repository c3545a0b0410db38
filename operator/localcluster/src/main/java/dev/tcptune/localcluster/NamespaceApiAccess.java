package dev.tcptune.localcluster;

import dev.tcptune.kernel.exec.NetworkNamespace;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The way from inside a network namespace to the local API server, which listens on the host's
 * 127.0.0.1: a {@link Relay} in this process from a unix socket to the API server, a relay process
 * inside the namespace from its own {@code 127.0.0.1:}{@value #PORT} to that socket, and a
 * kubeconfig whose server is that address (the API server's certificate is issued for 127.0.0.1, so
 * TLS verifies unchanged).
 */
public final class NamespaceApiAccess implements AutoCloseable {

  /** Port of the relay inside the namespace (each namespace has its own ports). */
  public static final int PORT = 16443;

  private static final Pattern SERVER = Pattern.compile("server: *https://127\\.0\\.0\\.1:(\\d+)");
  private static final Duration READY_TIMEOUT = Duration.ofSeconds(60);

  private final Path socket;
  private final Relay hostRelay;
  private final Process namespaceRelay;
  private final Path kubeconfig;

  private NamespaceApiAccess(
      Path socket, Relay hostRelay, Process namespaceRelay, Path kubeconfig) {
    this.socket = socket;
    this.hostRelay = hostRelay;
    this.namespaceRelay = namespaceRelay;
    this.kubeconfig = kubeconfig;
  }

  /**
   * Opens the way for {@code namespace}.
   *
   * @param kubeConfigYaml the host's kubeconfig of the API server (server on 127.0.0.1)
   * @param jar a jar holding this class, run inside the namespace as the relay
   * @param dir where the kubeconfig and the relay's log go
   */
  public static NamespaceApiAccess open(
      NetworkNamespace namespace, String kubeConfigYaml, Path jar, Path dir) throws IOException {
    Matcher server = SERVER.matcher(kubeConfigYaml);
    if (!server.find()) {
      throw new IllegalArgumentException("the kubeconfig's server is not https://127.0.0.1:PORT");
    }
    // Unix socket paths are limited to 107 bytes: keep it short, outside the caller's directory.
    Path socket = Path.of("/tmp", "tcpt-" + UUID.randomUUID().toString().substring(0, 8) + ".sock");
    Relay hostRelay = Relay.unixToTcp(socket, Integer.parseInt(server.group(1)));
    Path log = dir.resolve("relay-" + namespace.name().orElse("host") + ".log");
    Process relay = null;
    try {
      relay =
          new ProcessBuilder(
                  namespace.wrap(
                      List.of(
                          Java.binary(),
                          "-XX:TieredStopAtLevel=1",
                          "-XX:+UseSerialGC",
                          "-Xmx32m",
                          "-cp",
                          jar.toString(),
                          Relay.class.getName(),
                          "tcp-to-unix",
                          String.valueOf(PORT),
                          socket.toString())))
              .redirectErrorStream(true)
              .redirectOutput(log.toFile())
              .start();
      awaitReady(relay, log);
      Path kubeconfig = dir.resolve("kubeconfig-" + namespace.name().orElse("host"));
      Files.writeString(
          kubeconfig,
          server.replaceAll("server: https://127.0.0.1:" + PORT),
          StandardCharsets.UTF_8);
      return new NamespaceApiAccess(socket, hostRelay, relay, kubeconfig);
    } catch (IOException | RuntimeException e) {
      if (relay != null) {
        relay.destroyForcibly();
      }
      hostRelay.close();
      Files.deleteIfExists(socket);
      throw e;
    }
  }

  private static void awaitReady(Process relay, Path log) throws IOException {
    long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
    while (!Files.readString(log).contains("ready")) {
      if (!relay.isAlive() || System.nanoTime() > deadline) {
        throw new IllegalStateException(
            "the relay inside the namespace did not start: " + Files.readString(log));
      }
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while starting the relay", e);
      }
    }
  }

  /** A kubeconfig that works inside the namespace. */
  public Path kubeconfig() {
    return kubeconfig;
  }

  /** From now on the way leads to an API server on {@code port} of this machine (a restart). */
  public void retarget(int port) {
    hostRelay.retarget(port);
  }

  @Override
  public void close() throws IOException {
    namespaceRelay.destroyForcibly();
    try {
      namespaceRelay.waitFor(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    hostRelay.close();
    Files.deleteIfExists(socket);
  }
}
