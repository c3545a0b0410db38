package dev.tcptune.agent;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Everything the agent is told at start, parsed once from flags and environment (the {@code agent}
 * subcommand fills it) and logged. Invalid values are refused as a whole, each problem naming the
 * flag, the value and what is allowed.
 *
 * @param nodeName the node (and TcpNodeState) this agent serves; from the downward API
 * @param checkInterval how often the node is compared with the spec (drift is found within this)
 * @param statsInterval at most this often socket statistics go into status
 * @param heartbeat a status write even when nothing changed, with up to 10% jitter, so that a
 *     silent agent can be told from a quiet node
 * @param metricsPort port of /metrics, /healthz and /readyz; 0 disables the endpoint
 * @param netns for tests: the `ip netns` namespace the agent is meant to run in
 * @param stateDir where a copy of the originals journal is kept on the node, for when the
 *     TcpNodeState (and with it its status) is deleted
 * @param procSys the directory written as /proc/sys: /proc/sys itself, or where a container that is
 *     not privileged has the host's /proc/sys/net mounted writable (/host/proc/sys)
 */
public record AgentConfig(
    String nodeName,
    Duration checkInterval,
    Duration statsInterval,
    Duration heartbeat,
    int metricsPort,
    Optional<String> netns,
    Path stateDir,
    Path procSys) {

  /** Default of {@link #checkInterval}: reads only, no API traffic, so it can be short. */
  public static final Duration DEFAULT_CHECK_INTERVAL = Duration.ofSeconds(10);

  /** Default of {@link #statsInterval}. */
  public static final Duration DEFAULT_STATS_INTERVAL = Duration.ofSeconds(60);

  /** Default of {@link #heartbeat}. */
  public static final Duration DEFAULT_HEARTBEAT = Duration.ofMinutes(5);

  /** Default of {@link #metricsPort}. */
  public static final int DEFAULT_METRICS_PORT = 9470;

  /** Default of {@link #stateDir}. */
  public static final Path DEFAULT_STATE_DIR = Path.of("/var/lib/tcptune");

  /** Default of {@link #procSys}. */
  public static final Path DEFAULT_PROC_SYS = Path.of("/proc/sys");

  /** A Kubernetes node name: a DNS subdomain. */
  private static final Pattern NODE_NAME =
      Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*");

  private static final Duration MIN_INTERVAL = Duration.ofMillis(200);
  private static final Duration MAX_INTERVAL = Duration.ofHours(24);

  public AgentConfig {
    Objects.requireNonNull(checkInterval, "checkInterval");
    Objects.requireNonNull(statsInterval, "statsInterval");
    Objects.requireNonNull(heartbeat, "heartbeat");
    Objects.requireNonNull(netns, "netns");
    Objects.requireNonNull(stateDir, "stateDir");
    Objects.requireNonNull(procSys, "procSys");
    List<String> problems = new ArrayList<>();
    if (nodeName == null || nodeName.isBlank()) {
      problems.add(
          "NODE_NAME is not set: the agent serves exactly one node; set NODE_NAME (in a DaemonSet from"
              + " the downward API, spec.nodeName) or --node-name");
    } else if (nodeName.length() > 253 || !NODE_NAME.matcher(nodeName).matches()) {
      problems.add(
          "NODE_NAME: '"
              + nodeName
              + "' is not a node name (allowed: a DNS subdomain, lower case, at most 253 characters)");
    }
    checkInterval("--check-interval", checkInterval, problems);
    checkInterval("--stats-interval", statsInterval, problems);
    checkInterval("--heartbeat", heartbeat, problems);
    if (metricsPort < 0 || metricsPort > 65535) {
      problems.add("--metrics-port: " + metricsPort + " is not allowed (allowed: 0..65535)");
    }
    if (!procSys.isAbsolute() || !procSys.normalize().equals(procSys)) {
      problems.add(
          "--proc-sys: '"
              + procSys
              + "' is not allowed (allowed: an absolute path without . or .., e.g. /proc/sys or"
              + " /host/proc/sys)");
    }
    if (!problems.isEmpty()) {
      throw new IllegalArgumentException(String.join("; ", problems));
    }
  }

  private static void checkInterval(String flag, Duration value, List<String> problems) {
    if (value.compareTo(MIN_INTERVAL) < 0 || value.compareTo(MAX_INTERVAL) > 0) {
      problems.add(flag + ": " + value + " is not allowed (allowed: 200ms..24h)");
    }
  }

  /** The journal copy on the node. */
  public Path journalFile() {
    return stateDir.resolve("originals-" + nodeName + ".json");
  }
}
