package dev.tcptune.localcluster;

import io.fabric8.kubeapitest.KubeAPIServer;
import io.fabric8.kubeapitest.KubeAPIServerConfigBuilder;
import io.fabric8.kubeapitest.KubeAPITestException;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * A real kube-apiserver + etcd on this machine (fabric8 kube-api-test), of the Kubernetes version
 * pinned in {@code hack/controlplane/KUBE_VERSION}, with tcptune's CRDs installed and Established.
 * The binaries come from {@code hack/build-control-plane.sh}, which {@link #start} runs (its
 * progress shown) when they are missing and the checkout is at hand; nothing is downloaded
 * prebuilt.
 *
 * <p>The API server listens on 127.0.0.1 only, with RBAC authorization and no controller-manager
 * (no garbage collection, no namespace deletion, no ServiceAccount tokens). The admin client
 * authenticates with a client certificate in group {@code system:masters}.
 */
public final class LocalControlPlane implements AutoCloseable {

  /** Where fabric8 kube-api-test and hack/build-control-plane.sh keep the binaries. */
  public static final String TEST_DIR_ENV = "KUBE_API_TEST_DIR";

  /** The CRDs in this jar (copied from crds/ by the build). */
  public static final List<String> CRD_FILES =
      List.of("tcpnodestates.tcptune.dev.yaml", "tcpprofiles.tcptune.dev.yaml");

  private static final String VERSION_FILE = "hack/controlplane/KUBE_VERSION";
  private static final int STARTUP_TIMEOUT_MILLIS = 180_000;
  private static final long CRD_ESTABLISHED_TIMEOUT_SECONDS = 60;
  private static final String FIELD_MANAGER = "tcptune-local";

  private final String kubernetesVersion;
  private final Path binaryDir;
  private final KubeAPIServer server;
  private final String kubeConfigYaml;
  private final Path workDir;
  private final KubernetesClient adminClient;

  private LocalControlPlane(
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
    this.adminClient = adminClient;
  }

  /**
   * Builds the binaries when missing, starts etcd and kube-apiserver, installs the CRDs and waits
   * until they are Established.
   *
   * @param progress receives one line per step, for people
   * @throws IllegalStateException when the binaries are missing and cannot be built here, saying
   *     how to build them
   */
  public static LocalControlPlane start(Consumer<String> progress) {
    Optional<Path> checkout = checkout();
    String version = pinnedVersion(checkout);
    Path testDir = testDir();
    Path binaryDir = testDir.resolve("k8s").resolve(version + "-" + platform());
    if (!missingBinaries(binaryDir).isEmpty()) {
      build(checkout, binaryDir, version, progress);
    }
    progress.accept("starting etcd and kube-apiserver " + version + " (" + binaryDir + ")");
    KubeAPIServer server = startServer(testDir, version, progress);
    KubernetesClient admin = null;
    Path workDir = null;
    try {
      String kubeConfig = server.getKubeConfigYaml();
      workDir = Files.createTempDirectory("tcptune-controlplane-");
      Files.writeString(workDir.resolve("kubeconfig"), kubeConfig, StandardCharsets.UTF_8);
      admin = new KubernetesClientBuilder().withConfig(Config.fromKubeconfig(kubeConfig)).build();
      installCrds(admin);
      progress.accept(
          "kube-apiserver ready at " + admin.getMasterUrl() + " with the tcptune CRDs installed");
      return new LocalControlPlane(version, binaryDir, server, kubeConfig, workDir, admin);
    } catch (IOException | RuntimeException e) {
      if (admin != null) {
        admin.close();
      }
      server.stop();
      deleteRecursively(workDir);
      throw e instanceof IOException io ? new UncheckedIOException(io) : (RuntimeException) e;
    }
  }

  /**
   * Starts etcd and kube-apiserver, twice at most: kube-api-test picks their ports by binding and
   * releasing free ones, and another process can take a port before etcd binds it, which makes etcd
   * exit at once. A second start picks new ports.
   */
  private static KubeAPIServer startServer(
      Path testDir, String version, Consumer<String> progress) {
    for (int attempt = 1; ; attempt++) {
      KubeAPIServer server =
          new KubeAPIServer(
              KubeAPIServerConfigBuilder.anAPIServerConfig()
                  .withTestDir(testDir.toString())
                  .withApiServerVersion(version)
                  .withOfflineMode(true)
                  .withUpdateKubeConfig(false)
                  .withWaitForEtcdHealthCheckOnStartup(true)
                  .withStartupTimeout(STARTUP_TIMEOUT_MILLIS)
                  // Nothing of this cluster is reachable from outside this machine.
                  .withApiServerFlag("--bind-address", "127.0.0.1")
                  .build());
      try {
        server.start();
        return server;
      } catch (KubeAPITestException e) {
        server.stop();
        if (attempt == 2) {
          throw e;
        }
        progress.accept(
            "etcd or kube-apiserver did not start (" + e.getMessage() + "); again on new ports");
      }
    }
  }

  /** A client with every permission (client certificate in group system:masters). */
  public KubernetesClient adminClient() {
    return adminClient;
  }

  /** The kubeconfig of the admin user, for tools other than the fabric8 client. */
  public String kubeConfigYaml() {
    return kubeConfigYaml;
  }

  /** A file holding {@link #kubeConfigYaml()}, deleted when the control plane stops. */
  public Path kubeConfigFile() {
    return workDir.resolve("kubeconfig");
  }

  /** A directory of this control plane's own, deleted when it stops. */
  public Path workDir() {
    return workDir;
  }

  /** The Kubernetes version of the binaries. */
  public String kubernetesVersion() {
    return kubernetesVersion;
  }

  /** Directory holding kube-apiserver, etcd and kubectl. */
  public Path binaryDir() {
    return binaryDir;
  }

  /** The kubectl of the same release. */
  public Path kubectlBinary() {
    return binaryDir.resolve("kubectl");
  }

  /** The running kube-api-test server, for tests that restart the API server. */
  public KubeAPIServer server() {
    return server;
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

  /**
   * Root of the tcptune checkout (holds hack/ and crds/): system property tcptune.root, else the
   * first directory upwards from the working directory that holds hack/controlplane/KUBE_VERSION.
   */
  public static Optional<Path> checkout() {
    String configured = System.getProperty("tcptune.root");
    if (configured != null && !configured.isBlank()) {
      Path root = Paths.get(configured).toAbsolutePath().normalize();
      if (Files.isRegularFile(root.resolve(VERSION_FILE))) {
        return Optional.of(root);
      }
    }
    for (Path dir = Paths.get("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
      if (Files.isRegularFile(dir.resolve(VERSION_FILE))) {
        return Optional.of(dir);
      }
    }
    return Optional.empty();
  }

  private static void build(
      Optional<Path> checkout, Path binaryDir, String version, Consumer<String> progress) {
    String missing = String.join(", ", missingBinaries(binaryDir));
    if (checkout.isEmpty()) {
      throw new IllegalStateException(
          "Kubernetes "
              + version
              + " control plane binaries missing in "
              + binaryDir
              + " ("
              + missing
              + "), and no tcptune checkout here to build them: run from the checkout, where"
              + " hack/build-control-plane.sh builds them (needs Go >= 1.26)");
    }
    Path script = checkout.get().resolve("hack/build-control-plane.sh");
    progress.accept(
        "control plane binaries missing ("
            + missing
            + "): building them with "
            + script
            + " (needs Go; about 12 minutes on 2 cores, once)");
    try {
      Process build = new ProcessBuilder("bash", script.toString()).inheritIO().start();
      int exit = build.waitFor();
      if (exit != 0 || !missingBinaries(binaryDir).isEmpty()) {
        throw new IllegalStateException(
            script + " failed (exit " + exit + "); its output above says why");
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot run " + script, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while building the control plane", e);
    }
  }

  private static List<String> missingBinaries(Path binaryDir) {
    return Stream.of("kube-apiserver", "etcd", "kubectl")
        .filter(name -> !Files.isExecutable(binaryDir.resolve(name)))
        .toList();
  }

  private static String pinnedVersion(Optional<Path> checkout) {
    try {
      String version;
      if (checkout.isPresent()) {
        version = Files.readString(checkout.get().resolve(VERSION_FILE), StandardCharsets.UTF_8);
      } else {
        version = resource("tcptune/KUBE_VERSION");
      }
      version = version.strip();
      if (!version.matches("\\d+\\.\\d+\\.\\d+")) {
        throw new IllegalStateException("KUBE_VERSION must hold X.Y.Z, found '" + version + "'");
      }
      return version;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String resource(String name) throws IOException {
    try (InputStream in = LocalControlPlane.class.getClassLoader().getResourceAsStream(name)) {
      if (in == null) {
        throw new IllegalStateException(name + " is missing from the jar: a broken build");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
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

  private static void installCrds(KubernetesClient client) throws IOException {
    List<CustomResourceDefinition> installed = new ArrayList<>();
    for (String file : CRD_FILES) {
      try (InputStream in =
          LocalControlPlane.class.getClassLoader().getResourceAsStream("tcptune/crds/" + file)) {
        if (in == null) {
          throw new IllegalStateException("CRD " + file + " is missing from the jar");
        }
        CustomResourceDefinition crd =
            client.apiextensions().v1().customResourceDefinitions().load(in).item();
        installed.add(
            client.resource(crd).fieldManager(FIELD_MANAGER).forceConflicts().serverSideApply());
      }
    }
    for (CustomResourceDefinition crd : installed) {
      client
          .apiextensions()
          .v1()
          .customResourceDefinitions()
          .withName(crd.getMetadata().getName())
          .waitUntilCondition(
              LocalControlPlane::isEstablished, CRD_ESTABLISHED_TIMEOUT_SECONDS, TimeUnit.SECONDS);
    }
  }

  private static boolean isEstablished(CustomResourceDefinition crd) {
    return crd != null
        && crd.getStatus() != null
        && crd.getStatus().getConditions() != null
        && crd.getStatus().getConditions().stream()
            .anyMatch(c -> "Established".equals(c.getType()) && "True".equals(c.getStatus()));
  }

  static void deleteRecursively(Path dir) {
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
