package dev.tcptune.agent;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The agent's Prometheus metrics. Gauges read values the check loop stores here, so a scrape never
 * touches the kernel or the API server.
 */
public final class AgentMetrics {

  private final MeterRegistry registry;
  private final Map<String, AtomicLong> settingsByState = new ConcurrentHashMap<>();
  private final Map<String, AtomicReference<Double>> sockets = new ConcurrentHashMap<>();
  private final AtomicLong lastCheckEpochMillis = new AtomicLong();
  private final Counter applies;
  private final Counter statusWrites;

  public AgentMetrics(MeterRegistry registry) {
    this.registry = registry;
    this.applies =
        Counter.builder("tcptune_agent_applies")
            .description("Values written to the kernel (sysctls and route rto_min)")
            .register(registry);
    this.statusWrites =
        Counter.builder("tcptune_agent_status_writes")
            .description("Status patches sent to the API server")
            .register(registry);
    Gauge.builder(
            "tcptune_agent_last_check_timestamp_seconds",
            lastCheckEpochMillis,
            v -> v.get() / 1000.0)
        .description("When the node was last compared with its TcpNodeState")
        .register(registry);
  }

  /** The registry, for the /metrics endpoint. */
  public MeterRegistry registry() {
    return registry;
  }

  /** Replaces the counts of settings and routes by state (InSync, Drifted, ...). */
  public void settingsByState(Map<String, Long> counts) {
    settingsByState.values().forEach(v -> v.set(0));
    counts.forEach(
        (state, count) ->
            settingsByState
                .computeIfAbsent(
                    state,
                    s -> {
                      AtomicLong value = new AtomicLong();
                      Gauge.builder("tcptune_agent_settings", value, AtomicLong::get)
                          .description("Settings and routes of this node by state")
                          .tags(Tags.of("state", s))
                          .register(registry);
                      return value;
                    })
                .set(count));
  }

  /** One value written to the kernel. */
  public void applied() {
    applies.increment();
  }

  /** A drifted value of {@code key} (sysctl key or route id) put back. */
  public void driftCorrected(String key) {
    Counter.builder("tcptune_agent_drift_corrections")
        .description("Values changed behind the agent's back and corrected (Enforce)")
        .tag("key", key)
        .register(registry)
        .increment();
  }

  /** A failure for {@code key} (sysctl key, route id, or "status"/"kernel"). */
  public void error(String key) {
    Counter.builder("tcptune_agent_errors")
        .description("Failures by key: refused writes, read-back mismatches, failed status writes")
        .tag("key", key)
        .register(registry)
        .increment();
  }

  /** A status patch sent. */
  public void statusWritten() {
    statusWrites.increment();
  }

  /** The end of a check. */
  public void checked(Instant when) {
    lastCheckEpochMillis.set(when.toEpochMilli());
  }

  /**
   * A socket statistic of the node: {@code name} such as {@code tcptune_node_sockets_time_wait} or
   * {@code tcptune_node_retrans_segs_per_second}.
   */
  public void socketValue(String name, double value) {
    sockets
        .computeIfAbsent(
            name,
            n -> {
              AtomicReference<Double> holder = new AtomicReference<>(0.0);
              Gauge.builder(n, holder, AtomicReference::get)
                  .description("Socket statistics of the node's network namespace")
                  .register(registry);
              return holder;
            })
        .set(value);
  }
}
