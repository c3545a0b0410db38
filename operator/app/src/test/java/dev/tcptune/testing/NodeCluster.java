package dev.tcptune.testing;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * A real one-node cluster on this machine ({@code hack/node-cluster.sh}): etcd, kube-apiserver,
 * kube-controller-manager, kube-scheduler, containerd and a kubelet, with the tcptune image and the
 * pause image imported into containerd. {@link #start} first runs the build scripts (each a no-op
 * when its output is up to date): the control plane, the node's binaries and the image of this
 * build's jar.
 *
 * <p>{@link #close} stops every process and removes every container, mount, link and cgroup of the
 * run; a shutdown hook does the same when the JVM goes down before that.
 */
public final class NodeCluster implements AutoCloseable {

  /** Cold builds: the control plane about 12 min, the node 5 min, the image 2 min on 2 cores. */
  private static final Duration BUILD = Duration.ofMinutes(40);

  private static final Duration UP = Duration.ofMinutes(4);

  private final Path repo;
  private final Path runDir;
  private final Map<String, String> env;
  private final Path image;
  private final KubernetesClient client;
  private final Thread shutdownHook;

  private NodeCluster(Path repo, Path runDir, Map<String, String> env, Path image) {
    this.repo = repo;
    this.runDir = runDir;
    this.env = env;
    this.image = image;
    this.shutdownHook = new Thread(this::down, "node-cluster-down");
    Runtime.getRuntime().addShutdownHook(shutdownHook);
    try {
      this.client =
          new KubernetesClientBuilder()
              .withConfig(Config.fromKubeconfig(Files.readString(kubeconfig())))
              .build();
    } catch (IOException e) {
      down();
      throw new UncheckedIOException(e);
    }
  }

  /** Builds what is missing, starts the cluster and waits for its node to be Ready. */
  public static NodeCluster start() {
    Path repo = ControlPlane.repositoryRoot();
    Path jar = repo.resolve("operator/app/target/tcptune.jar");
    if (!Files.isRegularFile(jar)) {
      throw new IllegalStateException(jar + " missing: run through `mvn verify`");
    }
    run(repo, BUILD, Map.of(), "hack/build-control-plane.sh");
    run(repo, BUILD, Map.of(), "hack/build-node.sh");
    run(repo, BUILD, Map.of("JAR", jar.toString()), "hack/build-image.sh");
    Path image = Path.of(run(repo, BUILD, Map.of(), "hack/build-image.sh", "--print-path").strip());
    String out = run(repo, UP, Map.of(), "hack/node-cluster.sh", "up", image.toString());
    List<String> lines = out.lines().toList();
    Path runDir = Path.of(lines.get(lines.size() - 1).strip());
    try {
      Map<String, String> env =
          Files.readAllLines(runDir.resolve("env")).stream()
              .filter(l -> l.contains("="))
              .collect(
                  Collectors.toMap(
                      l -> l.substring(0, l.indexOf('=')), l -> l.substring(l.indexOf('=') + 1)));
      return new NodeCluster(repo, runDir, env, image);
    } catch (IOException e) {
      run(repo, UP, Map.of(), "hack/node-cluster.sh", "down", runDir.toString());
      throw new UncheckedIOException(e);
    }
  }

  /** A client with every permission (system:masters). */
  public KubernetesClient client() {
    return client;
  }

  /** The admin kubeconfig file, for helm and kubectl. */
  public Path kubeconfig() {
    return Path.of(env.get("KUBECONFIG"));
  }

  /** The kubectl of the cluster's release. */
  public Path kubectl() {
    return Path.of(env.get("KUBECTL"));
  }

  /** The name of the one node (this machine). */
  public String nodeName() {
    return env.get("NODE_NAME");
  }

  /** The image archive imported into the node's containerd. */
  public Path imageArchive() {
    return image;
  }

  /** Logs of every component and container of the run, for a failing test to show. */
  public Path logDir() {
    return runDir.resolve("logs");
  }

  /** Runs kubectl against this cluster and returns its standard output. */
  public String kubectl(String... args) {
    List<String> command = new ArrayList<>(List.of(kubectl().toString(), "--kubeconfig"));
    command.add(kubeconfig().toString());
    command.addAll(List.of(args));
    return exec(command, Duration.ofSeconds(60), Map.of(), repo);
  }

  @Override
  public void close() {
    try {
      client.close();
    } finally {
      Runtime.getRuntime().removeShutdownHook(shutdownHook);
      down();
    }
  }

  private void down() {
    if (Files.isDirectory(runDir)) {
      run(repo, UP, Map.of(), "hack/node-cluster.sh", "down", runDir.toString());
    }
  }

  /** Runs a script of the checkout, its standard error shown with a prefix; returns its stdout. */
  private static String run(Path repo, Duration timeout, Map<String, String> env, String... args) {
    List<String> command = new ArrayList<>(List.of(args));
    command.set(0, repo.resolve(args[0]).toString());
    return exec(command, timeout, env, repo);
  }

  private static String exec(
      List<String> command, Duration timeout, Map<String, String> env, Path dir) {
    try {
      ProcessBuilder builder = new ProcessBuilder(command).directory(dir.toFile());
      builder.environment().putAll(env);
      Path err = Files.createTempFile("node-cluster-", ".log");
      builder.redirectError(err.toFile());
      Process process = builder.start();
      byte[] out = process.getInputStream().readAllBytes();
      boolean done = process.waitFor(timeout.toSeconds(), TimeUnit.SECONDS);
      String log = Files.readString(err, StandardCharsets.UTF_8);
      Files.delete(err);
      if (!log.isBlank()) {
        log.lines().forEach(l -> System.out.println("[node-cluster] " + l));
      }
      if (!done) {
        process.destroyForcibly();
        throw new IllegalStateException(command + " did not finish within " + timeout);
      }
      String stdout = new String(out, StandardCharsets.UTF_8);
      if (process.exitValue() != 0) {
        throw new IllegalStateException(
            command + " failed (exit " + process.exitValue() + "):\n" + log + stdout);
      }
      return stdout;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
