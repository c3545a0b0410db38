package dev.tcptune.operator;

import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * The operator's configuration, parsed once from the environment (flags of {@code tcptune operator}
 * override it) and logged at start.
 *
 * @param namespace where the operator runs: its Lease, its Events' namespace and the agent
 *     DaemonSet
 * @param identity this replica's name in the leader election (the pod name)
 * @param leaseName the Lease the replicas compete for
 * @param deployment the operator's own Deployment, which owns the agent DaemonSet
 * @param leaderElection false only for a single replica in tests
 * @param leaseDuration how long a dead leader holds the Lease before another replica takes over
 * @param probePort {@code /healthz}, {@code /readyz} and {@code /metrics}; 0 picks a free port
 * @param restoreTimeout how long a deleted profile waits for its nodes to restore their originals
 * @param agent what the agent DaemonSet runs with
 */
public record OperatorConfig(
    String namespace,
    String identity,
    String leaseName,
    String deployment,
    boolean leaderElection,
    Duration leaseDuration,
    int probePort,
    Duration restoreTimeout,
    AgentConfig agent) {

  /**
   * The agent DaemonSet's settings.
   *
   * @param image the tcptune image (the same jar as the operator)
   * @param checkInterval how often an agent compares its node with the spec
   * @param statisticsInterval how often it samples socket statistics
   * @param cpuRequest container CPU request, e.g. 10m
   * @param memoryLimit container memory limit, e.g. 128Mi; the JVM heap is sized from it
   * @param nodeSelector the nodes that run an agent, as {@code key=value,...} (empty: all)
   * @param tolerateAll run on tainted nodes too (control plane, dedicated pools)
   * @param privileged run the agent container privileged instead of with NET_ADMIN alone and a
   *     writable mount of the host's /proc/sys/net (for clusters where that mount cannot be made)
   */
  public record AgentConfig(
      String image,
      Duration checkInterval,
      Duration statisticsInterval,
      String cpuRequest,
      String memoryLimit,
      Map<String, String> nodeSelector,
      boolean tolerateAll,
      boolean privileged) {}

  public OperatorConfig {
    Objects.requireNonNull(namespace, "namespace");
    Objects.requireNonNull(identity, "identity");
    if (leaseDuration.compareTo(Duration.ofSeconds(3)) < 0) {
      throw new IllegalArgumentException(
          "TCPTUNE_LEASE_DURATION: " + leaseDuration + " is not allowed (allowed: at least PT3S)");
    }
    if (restoreTimeout.isNegative() || restoreTimeout.isZero()) {
      throw new IllegalArgumentException(
          "TCPTUNE_RESTORE_TIMEOUT: " + restoreTimeout + " is not allowed (allowed: > 0)");
    }
  }

  /** From environment variables; each absent one takes its default. */
  public static OperatorConfig fromEnvironment(Map<String, String> env) {
    Function<String, String> get = env::get;
    return new OperatorConfig(
        or(get, "TCPTUNE_NAMESPACE", "tcptune-system"),
        or(get, "POD_NAME", "tcptune-operator-" + ProcessHandle.current().pid()),
        or(get, "TCPTUNE_LEASE_NAME", "tcptune-operator"),
        or(get, "TCPTUNE_OPERATOR_DEPLOYMENT", "tcptune-operator"),
        Boolean.parseBoolean(or(get, "TCPTUNE_LEADER_ELECTION", "true")),
        duration("TCPTUNE_LEASE_DURATION", or(get, "TCPTUNE_LEASE_DURATION", "PT15S")),
        intValue("TCPTUNE_PROBE_PORT", or(get, "TCPTUNE_PROBE_PORT", "8081")),
        duration("TCPTUNE_RESTORE_TIMEOUT", or(get, "TCPTUNE_RESTORE_TIMEOUT", "PT5M")),
        new AgentConfig(
            or(get, "TCPTUNE_AGENT_IMAGE", "ghcr.io/tcptune/tcptune:latest"),
            duration(
                "TCPTUNE_AGENT_CHECK_INTERVAL", or(get, "TCPTUNE_AGENT_CHECK_INTERVAL", "PT30S")),
            duration(
                "TCPTUNE_AGENT_STATISTICS_INTERVAL",
                or(get, "TCPTUNE_AGENT_STATISTICS_INTERVAL", "PT60S")),
            or(get, "TCPTUNE_AGENT_CPU_REQUEST", "10m"),
            or(get, "TCPTUNE_AGENT_MEMORY_LIMIT", "128Mi"),
            labels(or(get, "TCPTUNE_AGENT_NODE_SELECTOR", "")),
            Boolean.parseBoolean(or(get, "TCPTUNE_AGENT_TOLERATE_ALL", "true")),
            strictBoolean(
                "TCPTUNE_AGENT_PRIVILEGED", or(get, "TCPTUNE_AGENT_PRIVILEGED", "false"))));
  }

  private static String or(Function<String, String> env, String name, String fallback) {
    String value = env.apply(name);
    return value == null || value.isBlank() ? fallback : value.trim();
  }

  private static int intValue(String name, String value) {
    try {
      int port = Integer.parseInt(value);
      if (port < 0 || port > 65535) {
        throw new NumberFormatException();
      }
      return port;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          name + ": '" + value + "' is not allowed (allowed: 0..65535)");
    }
  }

  private static boolean strictBoolean(String name, String value) {
    if (!value.equals("true") && !value.equals("false")) {
      throw new IllegalArgumentException(
          name + ": '" + value + "' is not allowed (allowed: true or false)");
    }
    return Boolean.parseBoolean(value);
  }

  static Duration duration(String name, String value) {
    try {
      return Duration.parse(value);
    } catch (RuntimeException e) {
      throw new IllegalArgumentException(
          name + ": '" + value + "' is not allowed (allowed: an ISO-8601 duration such as PT30S)");
    }
  }

  static Map<String, String> labels(String text) {
    TreeMap<String, String> labels = new TreeMap<>();
    for (String pair : text.split(",")) {
      if (pair.isBlank()) {
        continue;
      }
      int eq = pair.indexOf('=');
      if (eq <= 0) {
        throw new IllegalArgumentException(
            "TCPTUNE_AGENT_NODE_SELECTOR: '" + pair + "' is not allowed (allowed: key=value,...)");
      }
      labels.put(pair.substring(0, eq).trim(), pair.substring(eq + 1).trim());
    }
    return Map.copyOf(labels);
  }
}
