package dev.tcptune.operator;

import io.fabric8.kubernetes.api.model.EnvVarBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.SecurityContext;
import io.fabric8.kubernetes.api.model.SecurityContextBuilder;
import io.fabric8.kubernetes.api.model.TolerationBuilder;
import io.fabric8.kubernetes.api.model.VolumeBuilder;
import io.fabric8.kubernetes.api.model.VolumeMountBuilder;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.api.model.apps.DaemonSetBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.CRUDKubernetesDependentResource;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The node agent DaemonSet, owned by the operator's Deployment (removed with it). Its content is a
 * pure function of the operator's configuration.
 */
public final class AgentDaemonSet extends CRUDKubernetesDependentResource<DaemonSet, Deployment> {

  public static final String NAME = "tcptune-agent";
  static final String SERVICE_ACCOUNT = "tcptune-agent";
  static final int METRICS_PORT = 9470;
  static final String STATE_DIR = "/var/lib/tcptune";

  /**
   * Where the host's /proc/sys/net is mounted writable: the runtime mounts /proc/sys read-only in a
   * container that is not privileged. The mount shows the host's values because the agent looks its
   * files up from the host's network namespace (hostNetwork).
   */
  static final String PROC_SYS = "/host/proc/sys";

  /**
   * A small JVM for a small job (docs/benchmarks.md item 4 measures each part):
   *
   * <ul>
   *   <li>one thread of GC, C1 only and one compiler thread: the agent is idle between checks;
   *   <li>a method is compiled after ten times the usual number of calls and loop iterations: code
   *       that runs only a few hundred times, as at start-up, stays interpreted (half the code
   *       cache, and the compiler's memory for it, are never used);
   *   <li>a heap of a quarter of the container's memory limit (32 MiB of 128Mi; it holds about 12
   *       MiB), a small young generation, and free ratios that let the heap shrink after a full
   *       collection instead of keeping its start-up peak;
   *   <li>exit (and restart) rather than limp on when memory runs out.
   * </ul>
   *
   * The footprint benchmark runs its agent with these too.
   */
  public static final String JVM_FLAGS =
      "-XX:+UseSerialGC -XX:TieredStopAtLevel=1 -XX:CICompilerCount=1"
          + " -XX:CompileThresholdScaling=10 -Xss512k"
          + " -XX:MaxRAMPercentage=25 -XX:NewSize=2m -XX:MaxNewSize=4m"
          + " -XX:MinHeapFreeRatio=10 -XX:MaxHeapFreeRatio=30"
          + " -XX:ReservedCodeCacheSize=24m -XX:MaxMetaspaceSize=64m -XX:+ExitOnOutOfMemoryError";

  /**
   * glibc's limit of malloc arenas for the agent: by default each thread that mallocs may get an
   * arena of its own (up to 8 per core), memory the JVM's native memory tracking does not see. The
   * operator's Deployment sets the same (helm/tcptune/templates/deployment.yaml).
   */
  public static final String MALLOC_ARENA_MAX = "2";

  private final OperatorConfig.AgentConfig config;

  public AgentDaemonSet(OperatorConfig.AgentConfig config) {
    super(DaemonSet.class);
    this.config = config;
  }

  @Override
  protected DaemonSet desired(Deployment operator, Context<Deployment> context) {
    return desired(config, operator.getMetadata().getNamespace());
  }

  /** The DaemonSet for {@code config} in {@code namespace}. */
  public static DaemonSet desired(OperatorConfig.AgentConfig config, String namespace) {
    Map<String, String> labels =
        Map.of("app.kubernetes.io/name", NAME, "app.kubernetes.io/part-of", "tcptune");
    Map<String, String> nodeSelector = new TreeMap<>(config.nodeSelector());
    nodeSelector.put("kubernetes.io/os", "linux");
    return new DaemonSetBuilder()
        .withNewMetadata()
        .withName(NAME)
        .withNamespace(namespace)
        .withLabels(labels)
        .endMetadata()
        .withNewSpec()
        .withNewSelector()
        .withMatchLabels(Map.of("app.kubernetes.io/name", NAME))
        .endSelector()
        .withNewUpdateStrategy()
        .withType("RollingUpdate")
        .endUpdateStrategy()
        .withNewTemplate()
        .withNewMetadata()
        .withLabels(labels)
        .endMetadata()
        .withNewSpec()
        .withServiceAccountName(SERVICE_ACCOUNT)
        // The settings it tunes are those of the node's own network namespace. hostPID lets the
        // agent check that on kernels before 6.18 (/proc/1 is the host's init).
        .withHostNetwork(true)
        .withHostPID(true)
        .withDnsPolicy("ClusterFirstWithHostNet")
        .withNodeSelector(nodeSelector)
        .withTolerations(
            config.tolerateAll()
                ? List.of(new TolerationBuilder().withOperator("Exists").build())
                : List.of())
        .addNewContainer()
        .withName("agent")
        .withImage(config.image())
        .withArgs("agent")
        .addNewEnv()
        .withName("NODE_NAME")
        .withNewValueFrom()
        // Fields the server would default are spelled out, so that the desired object equals the
        // stored one and an unchanged DaemonSet is not written again.
        .withNewFieldRef()
        .withApiVersion("v1")
        .withFieldPath("spec.nodeName")
        .endFieldRef()
        .endValueFrom()
        .endEnv()
        .addNewEnv()
        .withName("TCPTUNE_CHECK_INTERVAL")
        .withValue(config.checkInterval().toSeconds() + "s")
        .endEnv()
        .addNewEnv()
        .withName("TCPTUNE_STATS_INTERVAL")
        .withValue(config.statisticsInterval().toSeconds() + "s")
        .endEnv()
        .addNewEnv()
        .withName("TCPTUNE_STATE_DIR")
        .withValue(STATE_DIR)
        .endEnv()
        .addAllToEnv(
            config.privileged()
                ? List.of()
                : List.of(
                    new EnvVarBuilder().withName("TCPTUNE_PROC_SYS").withValue(PROC_SYS).build()))
        .addNewEnv()
        .withName("JAVA_TOOL_OPTIONS")
        .withValue(JVM_FLAGS)
        .endEnv()
        .addNewEnv()
        .withName("MALLOC_ARENA_MAX")
        .withValue(MALLOC_ARENA_MAX)
        .endEnv()
        .addNewPort()
        .withName("metrics")
        .withContainerPort(METRICS_PORT)
        .withProtocol("TCP")
        .endPort()
        .withNewResources()
        .withRequests(
            Map.of(
                "cpu", new Quantity(config.cpuRequest()),
                "memory", new Quantity(config.memoryLimit())))
        .withLimits(Map.of("memory", new Quantity(config.memoryLimit())))
        .endResources()
        .withNewLivenessProbe()
        .withNewHttpGet()
        .withPath("/healthz")
        .withNewPort(METRICS_PORT)
        .endHttpGet()
        .withPeriodSeconds(20)
        .endLivenessProbe()
        .withNewReadinessProbe()
        .withNewHttpGet()
        .withPath("/readyz")
        .withNewPort(METRICS_PORT)
        .endHttpGet()
        .withPeriodSeconds(10)
        .endReadinessProbe()
        .withSecurityContext(securityContext(config.privileged()))
        .addNewVolumeMount()
        .withName("state")
        .withMountPath(STATE_DIR)
        .endVolumeMount()
        .addNewVolumeMount()
        .withName("tmp")
        .withMountPath("/tmp")
        .endVolumeMount()
        .addAllToVolumeMounts(
            config.privileged()
                ? List.of()
                : List.of(
                    new VolumeMountBuilder()
                        .withName("proc-sys-net")
                        .withMountPath(PROC_SYS + "/net")
                        .build()))
        .endContainer()
        .addNewVolume()
        .withName("state")
        .withNewHostPath()
        .withPath(STATE_DIR)
        .withType("DirectoryOrCreate")
        .endHostPath()
        .endVolume()
        .addNewVolume()
        .withName("tmp")
        .withNewEmptyDir()
        .withMedium("Memory")
        .withSizeLimit(new Quantity("16Mi"))
        .endEmptyDir()
        .endVolume()
        .addAllToVolumes(
            config.privileged()
                ? List.of()
                : List.of(
                    new VolumeBuilder()
                        .withName("proc-sys-net")
                        .withNewHostPath()
                        .withPath("/proc/sys/net")
                        .withType("Directory")
                        .endHostPath()
                        .build()))
        .endSpec()
        .endTemplate()
        .endSpec()
        .build();
  }

  /**
   * Least privilege by default: uid 0 with NET_ADMIN alone (routes; /proc/sys/net through the
   * hostPath mount), nothing else. Privileged only when configured, for clusters where the narrow
   * mode cannot work; that container holds every capability and every device.
   */
  static SecurityContext securityContext(boolean privileged) {
    SecurityContextBuilder context =
        new SecurityContextBuilder()
            .withReadOnlyRootFilesystem(true)
            .withRunAsUser(0L)
            .withRunAsNonRoot(false);
    if (privileged) {
      return context.withPrivileged(true).build();
    }
    return context
        .withPrivileged(false)
        .withAllowPrivilegeEscalation(false)
        .withNewCapabilities()
        .withDrop("ALL")
        .withAdd("NET_ADMIN")
        .endCapabilities()
        .withNewSeccompProfile()
        .withType("RuntimeDefault")
        .endSeccompProfile()
        .build();
  }
}
