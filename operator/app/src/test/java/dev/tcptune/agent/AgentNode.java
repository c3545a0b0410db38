package dev.tcptune.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.tcptune.api.v1alpha1.TcpNodeState;
import dev.tcptune.kernel.testing.HiddenSysctlDirectory;
import dev.tcptune.kernel.testing.TestNetns;
import dev.tcptune.localcluster.Java;
import dev.tcptune.localcluster.NamespaceApiAccess;
import dev.tcptune.operator.AgentDaemonSet;
import dev.tcptune.testing.ControlPlane;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.assertj.core.api.ThrowingConsumer;

/**
 * One "node" for agent tests: a network namespace (from {@link TestNetns}), a path from inside it
 * to the API server ({@link NamespaceApiAccess}), a kubeconfig that points there, and agent
 * processes started as a user starts them: {@code ip netns exec NS java -jar tcptune.jar agent
 * --netns NS}, with {@code NODE_NAME} and {@code KUBECONFIG} in the environment. {@link #close()}
 * stops every process and deletes the node's TcpNodeState.
 */
public final class AgentNode implements AutoCloseable {

  private final TestNetns netns;
  private final Path dir;
  private final NamespaceApiAccess api;
  private final List<Process> agents = new ArrayList<>();
  private final String nodeName;
  private KubernetesClient client;
  private HiddenSysctlDirectory hidden;
  private int started;
  private boolean closed;

  public AgentNode(TestNetns netns, ControlPlane controlPlane, Path dir) throws Exception {
    this.netns = netns;
    this.dir = dir;
    this.nodeName = "node-" + netns.name();
    this.client = controlPlane.adminClient();
    this.api =
        NamespaceApiAccess.open(netns.namespace(), controlPlane.kubeConfigYaml(), jar(), dir);
  }

  /**
   * From now on the relay leads to an API server on {@code port} of this machine, and this node
   * uses {@code client} (a restarted API server).
   */
  void retarget(int port, KubernetesClient client) {
    api.retarget(port);
    this.client = client;
  }

  /** The node name, and name of its TcpNodeState. */
  public String name() {
    return nodeName;
  }

  /** The node's TcpNodeState as the API server has it now (null when absent). */
  public TcpNodeState state() {
    return client().resources(TcpNodeState.class).withName(nodeName).get();
  }

  KubernetesClient client() {
    return client;
  }

  /** The kubeconfig the agents use (it works inside the namespace). */
  Path kubeconfig() {
    return api.kubeconfig();
  }

  /** The agent's state directory (journal copy on the node). */
  Path stateDir() {
    return dir.resolve("state");
  }

  /**
   * From now on agents start on a kernel that lacks {@code /proc/sys/<relativeDir>} (for example
   * {@code net/core}); the namespace itself, and anything else reading it, is unaffected.
   */
  public void hideSysctlDirectory(String relativeDir) throws IOException {
    if (hidden != null) {
      throw new IllegalStateException("already hidden");
    }
    hidden = HiddenSysctlDirectory.hide(netns, relativeDir);
  }

  /**
   * Starts {@code tcptune agent} inside the namespace with {@code flags}, logging to a file of its
   * own.
   */
  public Process startAgent(String... flags) throws IOException {
    List<String> inNamespace = List.of();
    return startAgent(
        hidden != null ? hidden.wrap(inNamespace) : netns.namespace().wrap(inNamespace), flags);
  }

  /**
   * Starts {@code tcptune agent} with {@code flags} through {@code launcher}, an argv prefix that
   * must enter the node's namespace (e.g. {@code nsenter --net=/run/netns/NS setpriv ... --}).
   */
  public Process startAgent(List<String> launcher, String... flags) throws IOException {
    return startAgent(launcher, api.kubeconfig(), List.of(), flags);
  }

  /**
   * Starts {@code tcptune agent} inside the namespace as {@link #startAgent(String...)} does, with
   * {@code kubeconfig} instead of the node's and {@code jvmOptions} after the DaemonSet's.
   */
  public Process startAgent(Path kubeconfig, List<String> jvmOptions, String... flags)
      throws IOException {
    return startAgent(netns.namespace().wrap(List.of()), kubeconfig, jvmOptions, flags);
  }

  private Process startAgent(
      List<String> launcher, Path kubeconfig, List<String> jvmOptions, String... flags)
      throws IOException {
    // The DaemonSet's JVM (heap, collector, compiler) at its memory limit: a heap too small for
    // what these tests put the agent through exits the agent (ExitOnOutOfMemoryError) and fails
    // them.
    List<String> argv = new ArrayList<>(List.of(Java.binary()));
    argv.addAll(List.of(AgentDaemonSet.JVM_FLAGS.split(" ")));
    argv.add("-XX:MaxRAM=128m");
    argv.addAll(jvmOptions);
    argv.addAll(
        List.of(
            "-jar",
            jar().toString(),
            "agent",
            "--netns",
            netns.name(),
            "--metrics-port",
            "0",
            "--state-dir",
            stateDir().toString()));
    argv.addAll(List.of(flags));
    List<String> command = new ArrayList<>(launcher);
    command.addAll(argv);
    ProcessBuilder builder =
        new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve("agent-" + (++started) + ".log").toFile());
    Map<String, String> env = builder.environment();
    env.put("NODE_NAME", nodeName);
    env.put("KUBECONFIG", kubeconfig.toString());
    Process agent = builder.start();
    agents.add(agent);
    return agent;
  }

  /**
   * Awaits {@code assertion} on this node's TcpNodeState with a status; on timeout the message
   * shows the object and every agent log.
   */
  public void awaitStatus(Duration within, ThrowingConsumer<TcpNodeState> assertion) {
    try {
      await()
          .atMost(within)
          .pollInterval(Duration.ofMillis(200))
          .ignoreExceptions()
          .untilAsserted(
              () -> {
                TcpNodeState s = state();
                assertThat(s).isNotNull();
                assertThat(s.getStatus()).as("status").isNotNull();
                assertion.accept(s);
              });
    } catch (AssertionError | RuntimeException e) {
      TcpNodeState s = state();
      throw new AssertionError(
          e.getMessage()
              + "\nstatus: "
              + (s == null ? "<no object>" : Serialization.asYaml(s))
              + "\nagent logs:\n"
              + logs(),
          e);
    }
  }

  /** Everything the agents logged, for failure messages. */
  public String logs() {
    StringBuilder text = new StringBuilder();
    for (int i = 1; i <= started; i++) {
      try {
        text.append("--- agent ").append(i).append(" ---\n");
        text.append(Files.readString(dir.resolve("agent-" + i + ".log")));
      } catch (IOException e) {
        text.append(e).append('\n');
      }
    }
    return text.toString();
  }

  /** A sysctl as the namespace has it. */
  public String sysctl(String key) {
    return netns.exec("sysctl", "-n", key).stdout().strip().replaceAll("\\s+", " ");
  }

  /** Writes a sysctl inside the namespace, as another writer (an admin, a tuned) would. */
  public void sysctlWrite(String key, String value) {
    netns.exec("sysctl", "-q", "-w", key + "=" + value);
  }

  TestNetns netns() {
    return netns;
  }

  public static void stop(Process process, boolean kill) throws InterruptedException {
    if (kill) {
      process.destroyForcibly();
    } else {
      process.destroy();
    }
    if (!process.waitFor(40, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      process.waitFor(10, TimeUnit.SECONDS);
    }
  }

  @Override
  public void close() throws Exception {
    if (closed) {
      return;
    }
    closed = true;
    try {
      for (Process agent : agents) {
        stop(agent, true);
      }
      if (hidden != null) {
        hidden.close();
      }
      api.close();
    } finally {
      client().resources(TcpNodeState.class).withName(nodeName).delete();
      await("deletion of " + nodeName).atMost(Duration.ofSeconds(30)).until(() -> state() == null);
    }
  }

  static Path jar() {
    Path jar = Path.of("target/tcptune.jar").toAbsolutePath();
    if (!Files.exists(jar)) {
      throw new AssertionError("the packaged jar is missing (run through mvn verify): " + jar);
    }
    return jar;
  }
}
