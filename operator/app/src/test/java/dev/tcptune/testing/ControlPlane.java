package dev.tcptune.testing;

import io.fabric8.kubeapitest.KubeAPIServer;
import io.fabric8.kubeapitest.KubeAPIServerConfigBuilder;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A real kube-apiserver + etcd (fabric8 kube-api-test) built by {@code hack/build-control-plane.sh}
 * for the version pinned in {@code hack/controlplane/KUBE_VERSION}, with every CRD of {@code crds/}
 * installed and Established. Never downloads anything: missing binaries are an error that says how
 * to build them.
 *
 * <p>The API server runs with RBAC authorization and no controller-manager (no garbage collection,
 * no namespace deletion, no ServiceAccount tokens). The admin client authenticates with a client
 * certificate in group {@code system:masters}; {@link #clientAsServiceAccount} impersonates a
 * ServiceAccount so that RBAC rules can be checked without tokens.
 */
public final class ControlPlane implements AutoCloseable {

  /** Where fabric8 kube-api-test and hack/build-control-plane.sh keep the binaries. */
  public static final String TEST_DIR_ENV = "KUBE_API_TEST_DIR";

  private static final int STARTUP_TIMEOUT_MILLIS = 180_000;
  private static final long CRD_ESTABLISHED_TIMEOUT_SECONDS = 60;
  private static final long KUBECTL_TIMEOUT_SECONDS = 60;
  private static final String FIELD_MANAGER = "tcptune-tests";

  private final String kubernetesVersion;
  private final Path binaryDir;
  private final KubeAPIServer server;
  private final String kubeConfigYaml;
  private final Path workDir;
  private final Path kubeConfigFile;
  private final KubernetesClient adminClient;

  private ControlPlane(
      String kubernetesVersion,
      Path binaryDir,
      KubeAPIServer server,
      String kubeConfigYaml,
      Path workDir,
      KubernetesClient adminClient) {
    this.kubernetesVersion = kubernetesVersion;
    this.binaryDir = binaryDir;
    this.server = server;
    this.kubeConfigYaml = kubeConfigYaml;
    this.workDir = workDir;
    this.kubeConfigFile = workDir.resolve("kubeconfig");
    this.adminClient = adminClient;
  }

  /** Starts etcd and kube-apiserver, installs the CRDs and waits until they are Established. */
  public static ControlPlane start() {
    Path root = repositoryRoot();
    String version = pinnedVersion(root);
    Path testDir = testDir();
    Path binaryDir = testDir.resolve("k8s").resolve(version + "-" + platform());
    requireBinaries(binaryDir, version);

    KubeAPIServer server =
        new KubeAPIServer(
            KubeAPIServerConfigBuilder.anAPIServerConfig()
                .withTestDir(testDir.toString())
                .withApiServerVersion(version)
                .withOfflineMode(true)
                .withUpdateKubeConfig(false)
                .withWaitForEtcdHealthCheckOnStartup(true)
                .withStartupTimeout(STARTUP_TIMEOUT_MILLIS)
                // Test traffic stays on this machine.
                .withApiServerFlag("--bind-address", "127.0.0.1")
                .build());
    long started = System.nanoTime();
    KubernetesClient admin = null;
    Path workDir = null;
    try {
      server.start();
      String kubeConfig = server.getKubeConfigYaml();
      workDir = Files.createTempDirectory("tcptune-controlplane-");
      Files.writeString(workDir.resolve("kubeconfig"), kubeConfig, StandardCharsets.UTF_8);
      admin = new KubernetesClientBuilder().withConfig(Config.fromKubeconfig(kubeConfig)).build();
      List<Path> crds = installCrds(admin, root.resolve("crds"));
      System.out.printf(
          "[tcptune-tests] kube-apiserver %s ready at %s with %d CRDs in %.1f s (binaries: %s)%n",
          version,
          admin.getMasterUrl(),
          crds.size(),
          (System.nanoTime() - started) / 1e9,
          binaryDir);
      return new ControlPlane(version, binaryDir, server, kubeConfig, workDir, admin);
    } catch (IOException | RuntimeException e) {
      if (admin != null) {
        admin.close();
      }
      server.stop();
      deleteRecursively(workDir);
      throw e instanceof IOException io ? new UncheckedIOException(io) : (RuntimeException) e;
    }
  }

  /** A client with every permission (client certificate in group system:masters). */
  public KubernetesClient adminClient() {
    return adminClient;
  }

  /**
   * A new client that impersonates the ServiceAccount {@code namespace/name}, with the groups the
   * API server gives a real ServiceAccount token. The ServiceAccount object does not need to exist.
   * Close it after use.
   */
  public KubernetesClient clientAsServiceAccount(String namespace, String name) {
    return clientAs(
        "system:serviceaccount:" + namespace + ":" + name,
        "system:serviceaccounts",
        "system:serviceaccounts:" + namespace,
        "system:authenticated");
  }

  /** A new client that impersonates {@code user} in {@code groups}. Close it after use. */
  public KubernetesClient clientAs(String user, String... groups) {
    Config config = Config.fromKubeconfig(kubeConfigYaml);
    config.setImpersonateUsername(user);
    config.setImpersonateGroups(groups);
    return new KubernetesClientBuilder().withConfig(config).build();
  }

  /**
   * Runs the control plane's own {@code kubectl} against this API server (admin credentials, a
   * private discovery cache) and waits for it to finish.
   */
  public CommandResult kubectl(String... args) {
    List<String> command = new ArrayList<>();
    command.add(kubectlBinary().toString());
    command.add("--kubeconfig=" + kubeConfigFile);
    command.add("--cache-dir=" + workDir.resolve("kubectl-cache"));
    command.addAll(List.of(args));
    try {
      Path out = Files.createTempFile(workDir, "kubectl-", ".out");
      Path err = Files.createTempFile(workDir, "kubectl-", ".err");
      Process process =
          new ProcessBuilder(command)
              .redirectOutput(out.toFile())
              .redirectError(err.toFile())
              .start();
      if (!process.waitFor(KUBECTL_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        throw new IllegalStateException(
            "kubectl did not finish within " + KUBECTL_TIMEOUT_SECONDS + " s: " + command);
      }
      return new CommandResult(
          command,
          process.exitValue(),
          Files.readString(out, StandardCharsets.UTF_8),
          Files.readString(err, StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while running " + command, e);
    }
  }

  /**
   * Stops kube-apiserver and starts it again against the same etcd (the objects stay), as in an API
   * server upgrade. Only for a control plane of its own: the new server listens on a new port, so
   * {@link #adminClient()} and {@link #kubeConfigYaml()} lead nowhere afterwards.
   *
   * @return the kubeconfig of the restarted server
   */
  public String restartApiServer() {
    // kube-api-test has no public restart; its process class has stop and start.
    try {
      Object process = field(server, "kubeApiServerProcess");
      Process running = (Process) field(process, "apiServerProcess");
      String[] args = running.info().arguments().orElseThrow();
      int etcdPort = -1;
      for (int i = 0; i < args.length - 1; i++) {
        if (args[i].equals("--etcd-servers")) {
          etcdPort = java.net.URI.create(args[i + 1]).getPort();
        }
      }
      process.getClass().getMethod("stopApiServer").invoke(process);
      process.getClass().getMethod("startApiServer", int.class).invoke(process, etcdPort);
      process.getClass().getMethod("waitUntilReady").invoke(process);
      return server.getKubeConfigYaml();
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException("kube-api-test changed: cannot restart kube-apiserver", e);
    }
  }

  private static Object field(Object owner, String name) throws ReflectiveOperationException {
    java.lang.reflect.Field field = owner.getClass().getDeclaredField(name);
    field.setAccessible(true);
    return field.get(owner);
  }

  /** The kubeconfig of the admin user, for tools other than the fabric8 client. */
  public String kubeConfigYaml() {
    return kubeConfigYaml;
  }

  /** A file holding {@link #kubeConfigYaml()}, deleted when the control plane stops. */
  public Path kubeConfigFile() {
    return kubeConfigFile;
  }

  /** The Kubernetes version of the binaries, from hack/controlplane/KUBE_VERSION. */
  public String kubernetesVersion() {
    return kubernetesVersion;
  }

  /** Directory holding kube-apiserver, etcd and kubectl. */
  public Path binaryDir() {
    return binaryDir;
  }

  public Path kubectlBinary() {
    return binaryDir.resolve("kubectl");
  }

  @Override
  public void close() {
    try {
      adminClient.close();
    } finally {
      server.stop();
      deleteRecursively(workDir);
    }
  }

  /** Output of one command. */
  public record CommandResult(List<String> command, int exitCode, String stdout, String stderr) {
    /** Fails with the command, its exit code and stderr when the exit code is not 0. */
    public CommandResult assertSuccess() {
      if (exitCode != 0) {
        throw new AssertionError(
            String.join(" ", command) + " exited with " + exitCode + ":\n" + stderr + stdout);
      }
      return this;
    }
  }

  // --- start-up helpers ------------------------------------------------------------------------

  /**
   * Root of the git checkout (holds crds/, examples/, hack/): system property tcptune.root (set by
   * the build), else the first directory upwards from the working directory that holds hack/.
   */
  public static Path repositoryRoot() {
    String configured = System.getProperty("tcptune.root");
    if (configured != null && !configured.isBlank()) {
      Path root = Paths.get(configured).toAbsolutePath().normalize();
      if (Files.isRegularFile(root.resolve("hack/controlplane/KUBE_VERSION"))) {
        return root;
      }
    }
    for (Path dir = Paths.get("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
      if (Files.isRegularFile(dir.resolve("hack/controlplane/KUBE_VERSION"))) {
        return dir;
      }
    }
    throw new IllegalStateException(
        "cannot find the tcptune checkout (hack/controlplane/KUBE_VERSION) from "
            + Paths.get("").toAbsolutePath()
            + "; set -Dtcptune.root=/path/to/checkout");
  }

  private static String pinnedVersion(Path root) {
    try {
      String version =
          Files.readString(root.resolve("hack/controlplane/KUBE_VERSION"), StandardCharsets.UTF_8)
              .strip();
      if (!version.matches("\\d+\\.\\d+\\.\\d+")) {
        throw new IllegalStateException(
            "hack/controlplane/KUBE_VERSION must hold X.Y.Z, found '" + version + "'");
      }
      return version;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static Path testDir() {
    String configured = System.getenv(TEST_DIR_ENV);
    return configured != null && !configured.isBlank()
        ? Paths.get(configured)
        : Paths.get(System.getProperty("user.home"), ".kubeapitest");
  }

  /** The suffix kube-api-test and hack/build-control-plane.sh use, e.g. linux-amd64. */
  private static String platform() {
    String os = System.getProperty("os.name").toLowerCase(Locale.ROOT);
    String arch = System.getProperty("os.arch").toLowerCase(Locale.ROOT);
    String goos = os.contains("mac") || os.contains("darwin") ? "darwin" : "linux";
    String goarch = arch.equals("aarch64") || arch.equals("arm64") ? "arm64" : "amd64";
    return goos + "-" + goarch;
  }

  private static void requireBinaries(Path binaryDir, String version) {
    List<String> missing =
        Stream.of("kube-apiserver", "etcd", "kubectl")
            .filter(name -> !Files.isExecutable(binaryDir.resolve(name)))
            .toList();
    if (!missing.isEmpty()) {
      throw new IllegalStateException(
          "Kubernetes "
              + version
              + " control plane binaries missing in "
              + binaryDir
              + ": "
              + String.join(", ", missing)
              + ". Build them with `hack/build-control-plane.sh` (needs Go, see docs/testing.md);"
              + " `mvn verify` runs it before the integration tests.");
    }
  }

  private static List<Path> installCrds(KubernetesClient client, Path crdDir) throws IOException {
    List<Path> files;
    try (Stream<Path> list = Files.list(crdDir)) {
      files = list.filter(p -> p.toString().endsWith(".yaml")).sorted().toList();
    }
    if (files.isEmpty()) {
      throw new IllegalStateException("no CRD files (*.yaml) in " + crdDir);
    }
    List<CustomResourceDefinition> installed = new ArrayList<>();
    for (Path file : files) {
      CustomResourceDefinition crd =
          client.apiextensions().v1().customResourceDefinitions().load(file.toFile()).item();
      installed.add(
          client.resource(crd).fieldManager(FIELD_MANAGER).forceConflicts().serverSideApply());
    }
    for (CustomResourceDefinition crd : installed) {
      client
          .apiextensions()
          .v1()
          .customResourceDefinitions()
          .withName(crd.getMetadata().getName())
          .waitUntilCondition(
              ControlPlane::isEstablished, CRD_ESTABLISHED_TIMEOUT_SECONDS, TimeUnit.SECONDS);
    }
    return files;
  }

  private static boolean isEstablished(CustomResourceDefinition crd) {
    return crd != null
        && crd.getStatus() != null
        && crd.getStatus().getConditions() != null
        && crd.getStatus().getConditions().stream()
            .anyMatch(c -> "Established".equals(c.getType()) && "True".equals(c.getStatus()));
  }

  private static void deleteRecursively(Path dir) {
    if (dir == null || !Files.exists(dir)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(dir)) {
      walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
