package dev.tcptune.agent;

import dev.tcptune.api.v1alpha1.SocketStatistics;
import dev.tcptune.kernel.stats.Listener;
import dev.tcptune.kernel.stats.SocketRates;
import dev.tcptune.kernel.stats.SocketSnapshot;
import dev.tcptune.kernel.stats.SocketStatsReader;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * Socket statistics for status, sampled at most once per statistics interval: between samples the
 * last statistics are returned unchanged, so they cause no status write. Rates come from the last
 * two samples.
 */
final class SocketSampler {

  /** Listeners listed in status at most. */
  static final int MAX_LISTENERS = 20;

  private final Supplier<SocketSnapshot> sample;
  private final ListenerSource listeners;
  private final Duration interval;
  private final Clock clock;
  private final AgentMetrics metrics;
  private SocketSnapshot last;
  private Instant nextSample = Instant.MIN;
  private SocketStatistics current;

  /** Listeners whose backlog is below a somaxconn. */
  interface ListenerSource {
    List<Listener> below(int somaxconn);
  }

  SocketSampler(SocketStatsReader reader, Duration interval, Clock clock, AgentMetrics metrics) {
    this(reader::sample, reader::listenersBelow, interval, clock, metrics);
  }

  SocketSampler(
      Supplier<SocketSnapshot> sample,
      ListenerSource listeners,
      Duration interval,
      Clock clock,
      AgentMetrics metrics) {
    this.sample = Objects.requireNonNull(sample, "sample");
    this.listeners = Objects.requireNonNull(listeners, "listeners");
    this.interval = Objects.requireNonNull(interval, "interval");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.metrics = Objects.requireNonNull(metrics, "metrics");
  }

  /** The statistics for status now; {@code somaxconn} as read by this check, if known. */
  SocketStatistics statistics(Integer somaxconn) {
    Instant now = clock.instant();
    if (now.isBefore(nextSample)) {
      return current;
    }
    nextSample = now.plus(interval);
    try {
      SocketSnapshot snapshot = sample.get();
      SocketStatistics s = new SocketStatistics();
      s.setEstablished(snapshot.currEstab());
      s.setTimeWait(snapshot.timeWait());
      s.setCloseWait(snapshot.closeWait());
      s.setOrphans(snapshot.orphans());
      s.setListenOverflows(snapshot.listenOverflows());
      s.setRetransSegs(snapshot.retransSegs());
      if (last != null) {
        SocketRates rates = SocketRates.between(last, snapshot);
        s.setListenOverflowsPerSecond(round(rates.rate("TcpExt.ListenOverflows")));
        s.setRetransSegsPerSecond(round(rates.rate("Tcp.RetransSegs")));
        s.setRetransRatio(round(rates.retransmissionRatio()));
      }
      if (somaxconn != null) {
        s.setListenersBelowSomaxconn(
            listeners.below(somaxconn).stream()
                .limit(MAX_LISTENERS)
                .map(l -> l.localAddress() + ":" + l.port() + " backlog " + l.backlog())
                .toList());
      }
      last = snapshot;
      current = s;
      export(s);
    } catch (RuntimeException e) {
      metrics.error("sockets");
    }
    return current;
  }

  private void export(SocketStatistics s) {
    metrics.socketValue("tcptune_node_sockets_established", s.getEstablished());
    metrics.socketValue("tcptune_node_sockets_time_wait", s.getTimeWait());
    metrics.socketValue("tcptune_node_sockets_close_wait", s.getCloseWait());
    metrics.socketValue("tcptune_node_sockets_orphans", s.getOrphans());
    metrics.socketValue("tcptune_node_listen_overflows", s.getListenOverflows());
    metrics.socketValue("tcptune_node_retrans_segs", s.getRetransSegs());
    if (s.getRetransSegsPerSecond() != null) {
      metrics.socketValue(
          "tcptune_node_listen_overflows_per_second", s.getListenOverflowsPerSecond());
      metrics.socketValue("tcptune_node_retrans_segs_per_second", s.getRetransSegsPerSecond());
      metrics.socketValue("tcptune_node_retrans_ratio", s.getRetransRatio());
    }
  }

  /** Three decimals: more only makes every status differ from the last. */
  private static double round(double value) {
    return Math.round(value * 1000) / 1000.0;
  }
}
