package dev.tcptune.cli;

import dev.tcptune.operator.OperatorConfig;
import dev.tcptune.operator.TcpTuneOperator;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.jdkhttp.JdkHttpClientFactory;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code tcptune operator}: runs the operator until the process is stopped. Configuration comes
 * from the environment (see docs/operator.md); the flags below override it.
 */
@Command(
    name = "operator",
    mixinStandardHelpOptions = true,
    description =
        "Run the operator: TcpNodeStates for every node, profile status, the agent DaemonSet.")
public final class OperatorCommand implements Callable<Integer> {

  @Option(names = "--namespace", description = "Namespace of the Lease and the agent DaemonSet.")
  String namespace;

  @Option(names = "--identity", description = "This replica's name in the leader election.")
  String identity;

  @Option(names = "--no-leader-election", description = "Reconcile without a Lease (one replica).")
  boolean noLeaderElection;

  @Option(names = "--probe-port", description = "Port of /healthz, /readyz and /metrics.")
  Integer probePort;

  @Override
  public Integer call() throws Exception {
    Map<String, String> env = new HashMap<>(System.getenv());
    put(env, "TCPTUNE_NAMESPACE", namespace);
    put(env, "POD_NAME", identity);
    put(env, "TCPTUNE_PROBE_PORT", probePort == null ? null : probePort.toString());
    if (noLeaderElection) {
      env.put("TCPTUNE_LEADER_ELECTION", "false");
    }
    OperatorConfig config = OperatorConfig.fromEnvironment(env);
    CountDownLatch stopped = new CountDownLatch(1);
    // The JDK's HTTP client, as the agent: no Netty buffer pools and event-loop threads, and a
    // choice made here rather than by the order of two factories on the class path.
    try (KubernetesClient client =
            new KubernetesClientBuilder()
                .withHttpClientFactory(new JdkHttpClientFactory())
                .build();
        TcpTuneOperator operator = TcpTuneOperator.start(client, config, Clock.systemUTC())) {
      Runtime.getRuntime().addShutdownHook(new Thread(stopped::countDown, "operator-shutdown"));
      stopped.await();
    }
    return TcpTuneCommand.IN_SYNC;
  }

  private static void put(Map<String, String> env, String key, String value) {
    if (value != null) {
      env.put(key, value);
    }
  }
}
