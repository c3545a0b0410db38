package dev.tcptune.operator;

import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.TolerationBuilder;
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
   * A small JVM for a small job: one thread of GC, no C2 compiler, a heap sized from the
   * container's memory limit, exit (and restart) rather than limp on when memory runs out.
   */
  static final String JVM_FLAGS =
      "-XX:+UseSerialGC -XX:TieredStopAtLevel=1 -XX:MaxRAMPercentage=50 -Xss512k"
          + " -XX:ReservedCodeCacheSize=24m -XX:MaxMetaspaceSize=64m -XX:+ExitOnOutOfMemoryError";

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
        // The settings it tunes are those of the node's own network namespace.
        .withHostNetwork(true)
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
        .addNewEnv()
        .withName("JAVA_TOOL_OPTIONS")
        .withValue(JVM_FLAGS)
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
        // Writing /proc/sys/net of the host namespace needs it; nothing else is writable.
        .withNewSecurityContext()
        .withPrivileged(true)
        .withReadOnlyRootFilesystem(true)
        .withRunAsUser(0L)
        .endSecurityContext()
        .addNewVolumeMount()
        .withName("state")
        .withMountPath(STATE_DIR)
        .endVolumeMount()
        .addNewVolumeMount()
        .withName("tmp")
        .withMountPath("/tmp")
        .endVolumeMount()
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
        .endSpec()
        .endTemplate()
        .endSpec()
        .build();
  }
}
