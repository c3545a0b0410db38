package dev.tcptune.testing;

import static org.awaitility.Awaitility.await;

import dev.tcptune.localcluster.LocalControlPlane;
import io.fabric8.kubernetes.api.model.apiextensions.v1.JSONSchemaPropsBuilder;
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
import java.util.concurrent.TimeUnit;

/**
 * The tests' view of a {@link LocalControlPlane} (real kube-apiserver + etcd built by {@code
 * hack/build-control-plane.sh}, every CRD installed and Established): impersonating clients,
 * kubectl, an API server restart.
 *
 * <p>The API server runs with RBAC authorization and no controller-manager (no garbage collection,
 * no namespace deletion, no ServiceAccount tokens). The admin client authenticates with a client
 * certificate in group {@code system:masters}; {@link #clientAsServiceAccount} impersonates a
 * ServiceAccount so that RBAC rules can be checked without tokens.
 */
public final class ControlPlane implements AutoCloseable {

  private static final long KUBECTL_TIMEOUT_SECONDS = 60;

  private final LocalControlPlane local;

  private ControlPlane(LocalControlPlane local) {
    this.local = local;
  }

  /** Starts etcd and kube-apiserver, installs the CRDs and waits until they are Established. */
  public static ControlPlane start() {
    long started = System.nanoTime();
    LocalControlPlane local = LocalControlPlane.start(line -> {});
    System.out.printf(
        "[tcptune-tests] kube-apiserver %s ready at %s in %.1f s (binaries: %s)%n",
        local.kubernetesVersion(),
        local.adminClient().getMasterUrl(),
        (System.nanoTime() - started) / 1e9,
        local.binaryDir());
    return new ControlPlane(local);
  }

  /** A client with every permission (client certificate in group system:masters). */
  public KubernetesClient adminClient() {
    return local.adminClient();
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
    Config config = Config.fromKubeconfig(local.kubeConfigYaml());
    config.setImpersonateUsername(user);
    config.setImpersonateGroups(groups);
    return new KubernetesClientBuilder().withConfig(config).build();
  }

  /**
   * Runs the control plane's own {@code kubectl} against this API server (admin credentials, a
   * private discovery cache) and waits for it to finish.
   */
  public CommandResult kubectl(String... args) {
    Path workDir = local.workDir();
    List<String> command = new ArrayList<>();
    command.add(kubectlBinary().toString());
    command.add("--kubeconfig=" + kubeConfigFile());
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
      Object process = field(local.server(), "kubeApiServerProcess");
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
      return local.server().getKubeConfigYaml();
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
  /**
   * Runs {@code action} while the CRD {@code crdName} has no schema for its spec (nor its rules),
   * as on a cluster where someone installed it without validation; the checked-in CRD is applied
   * again afterwards, also when {@code action} fails.
   */
  public void withoutSpecSchema(String crdName, Runnable action) {
    var crds = adminClient().apiextensions().v1().customResourceDefinitions();
    try {
      crds.withName(crdName)
          .edit(
              crd -> {
                crd.getSpec()
                    .getVersions()
                    .get(0)
                    .getSchema()
                    .getOpenAPIV3Schema()
                    .getProperties()
                    .put(
                        "spec",
                        new JSONSchemaPropsBuilder()
                            .withType("object")
                            .withXKubernetesPreserveUnknownFields(true)
                            .build());
                return crd;
              });
      await("the API server serving " + crdName + " without validation")
          .atMost(Duration.ofSeconds(30))
          .ignoreExceptions()
          .untilAsserted(action::run);
    } finally {
      var crd = crds.load(repositoryRoot().resolve("crds/" + crdName + ".yaml").toFile()).item();
      adminClient().resource(crd).fieldManager("tcptune-tests").forceConflicts().serverSideApply();
      crds.withName(crdName)
          .waitUntilCondition(
              c ->
                  c.getSpec()
                          .getVersions()
                          .get(0)
                          .getSchema()
                          .getOpenAPIV3Schema()
                          .getProperties()
                          .get("spec")
                          .getProperties()
                      != null,
              30,
              TimeUnit.SECONDS);
    }
  }

  public String kubeConfigYaml() {
    return local.kubeConfigYaml();
  }

  /** A file holding {@link #kubeConfigYaml()}, deleted when the control plane stops. */
  public Path kubeConfigFile() {
    return local.kubeConfigFile();
  }

  /** The Kubernetes version of the binaries, from hack/controlplane/KUBE_VERSION. */
  public String kubernetesVersion() {
    return local.kubernetesVersion();
  }

  /** Directory holding kube-apiserver, etcd and kubectl. */
  public Path binaryDir() {
    return local.binaryDir();
  }

  public Path kubectlBinary() {
    return local.kubectlBinary();
  }

  @Override
  public void close() {
    local.close();
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

  /** Root of the git checkout (holds crds/, examples/, hack/). */
  public static Path repositoryRoot() {
    return LocalControlPlane.checkout()
        .orElseThrow(
            () ->
                new IllegalStateException(
                    "cannot find the tcptune checkout (hack/controlplane/KUBE_VERSION) from "
                        + Path.of("").toAbsolutePath()
                        + "; set -Dtcptune.root=/path/to/checkout"));
  }
}
