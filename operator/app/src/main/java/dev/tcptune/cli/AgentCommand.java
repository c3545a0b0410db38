package dev.tcptune.cli;

import dev.tcptune.agent.Agent;
import dev.tcptune.agent.AgentConfig;
import dev.tcptune.agent.AgentSerialization;
import dev.tcptune.agent.ClusterCaTrust;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.jdkhttp.JdkHttpClientFactory;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Option;
import picocli.CommandLine.TypeConversionException;

/** {@code tcptune agent}: the node agent (one per node, as a DaemonSet). */
@Command(
    name = "agent",
    mixinStandardHelpOptions = true,
    description = {
      "Applies this node's TcpNodeState, keeps it in place, restores originals when it empties, and"
          + " reports the node's status. Runs until SIGTERM; nothing is restored on shutdown.",
      "Every option can also be given by the environment variable in brackets; a flag wins."
    })
final class AgentCommand implements Callable<Integer> {

  private static final Logger LOG = LoggerFactory.getLogger(AgentCommand.class);

  @Option(
      names = "--node-name",
      paramLabel = "NAME",
      defaultValue = "${env:NODE_NAME}",
      description = "[NODE_NAME] The node (and TcpNodeState) this agent serves. Required.")
  String nodeName;

  @Option(
      names = "--check-interval",
      paramLabel = "DURATION",
      defaultValue = "${env:TCPTUNE_CHECK_INTERVAL:-10s}",
      converter = DurationConverter.class,
      description =
          "[TCPTUNE_CHECK_INTERVAL] Compare the node with its spec this often (default 10s).")
  Duration checkInterval;

  @Option(
      names = "--stats-interval",
      paramLabel = "DURATION",
      defaultValue = "${env:TCPTUNE_STATS_INTERVAL:-60s}",
      converter = DurationConverter.class,
      description =
          "[TCPTUNE_STATS_INTERVAL] Put socket statistics into status at most this often (default 60s).")
  Duration statsInterval;

  @Option(
      names = "--heartbeat",
      paramLabel = "DURATION",
      defaultValue = "${env:TCPTUNE_HEARTBEAT:-5m}",
      converter = DurationConverter.class,
      description =
          "[TCPTUNE_HEARTBEAT] Write status at least this often (+-10%% jitter) even when nothing"
              + " changed (default 5m).")
  Duration heartbeat;

  @Option(
      names = "--metrics-port",
      paramLabel = "PORT",
      defaultValue = "${env:TCPTUNE_METRICS_PORT:-9470}",
      description =
          "[TCPTUNE_METRICS_PORT] Port of /metrics, /healthz and /readyz; 0 turns them off (default"
              + " 9470).")
  int metricsPort;

  @Option(
      names = "--state-dir",
      paramLabel = "DIR",
      defaultValue = "${env:TCPTUNE_STATE_DIR:-/var/lib/tcptune}",
      description =
          "[TCPTUNE_STATE_DIR] Where the node keeps a copy of the originals (default /var/lib/tcptune).")
  Path stateDir;

  @Option(
      names = "--proc-sys",
      paramLabel = "DIR",
      defaultValue = "${env:TCPTUNE_PROC_SYS:-/proc/sys}",
      description =
          "[TCPTUNE_PROC_SYS] The directory written as /proc/sys (default /proc/sys). A container"
              + " that is not privileged has /proc/sys read-only: mount the host's /proc/sys/net"
              + " writable at DIR/net (hostPath) and give DIR, e.g. /host/proc/sys.")
  Path procSys;

  @Option(
      names = "--netns",
      paramLabel = "NAME",
      description =
          "For tests: the `ip netns` namespace this agent runs in (started with `ip netns exec NAME`)"
              + " instead of the host's.")
  String netns;

  @Override
  public Integer call() throws Exception {
    // Refuses a missing NODE_NAME and bad values before anything else happens.
    AgentConfig config =
        new AgentConfig(
            nodeName,
            checkInterval,
            statsInterval,
            heartbeat,
            metricsPort,
            Optional.ofNullable(netns),
            stateDir,
            procSys);
    LOG.atInfo()
        .addKeyValue("nodeName", config.nodeName())
        .addKeyValue("checkInterval", config.checkInterval())
        .addKeyValue("statsInterval", config.statsInterval())
        .addKeyValue("heartbeat", config.heartbeat())
        .addKeyValue("metricsPort", config.metricsPort())
        .addKeyValue("netns", config.netns().orElse("host"))
        .addKeyValue("stateDir", config.stateDir())
        .addKeyValue("procSys", config.procSys())
        .log("agent starting");
    // Before any client or kernel work: a missing privilege or the wrong namespace stops the
    // agent here rather than half-applying a spec.
    Agent.preflight(config);
    KubernetesClient client;
    try {
      // In-cluster (or KUBECONFIG), as KubernetesClientBuilder would configure it by itself.
      Config clientConfig = new ConfigBuilder().build();
      client =
          new KubernetesClientBuilder()
              .withConfig(clientConfig)
              .withHttpClientFactory(new JdkHttpClientFactory())
              .withHttpClientBuilderConsumer(ClusterCaTrust.only(clientConfig))
              .withKubernetesSerialization(AgentSerialization.create())
              .build();
    } catch (RuntimeException e) {
      throw new IllegalStateException(
          "cannot configure the Kubernetes client (in-cluster, or KUBECONFIG): "
              + (e.getCause() != null ? e.getCause().getMessage() : e.getMessage()),
          e);
    }
    Agent agent;
    try {
      agent = Agent.start(config, client);
    } catch (RuntimeException e) {
      client.close();
      throw e;
    }
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  agent.close();
                  client.close();
                  stopped.countDown();
                },
                "tcptune-shutdown"));
    stopped.await();
    return 0;
  }

  /** {@code 500ms}, {@code 10s}, {@code 5m}, {@code 1h}. */
  static final class DurationConverter implements ITypeConverter<Duration> {
    private static final Pattern FORM = Pattern.compile("(\\d{1,9})(ms|s|m|h)");

    @Override
    public Duration convert(String text) {
      Matcher m = FORM.matcher(text.strip());
      if (!m.matches()) {
        throw new TypeConversionException(
            "'" + text + "' is not a duration (allowed: a number with ms, s, m or h, e.g. 10s)");
      }
      long n = Long.parseLong(m.group(1));
      return switch (m.group(2)) {
        case "ms" -> Duration.ofMillis(n);
        case "s" -> Duration.ofSeconds(n);
        case "m" -> Duration.ofMinutes(n);
        default -> Duration.ofHours(n);
      };
    }
  }
}
