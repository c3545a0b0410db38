package dev.tcptune.kernel.stats;

import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/**
 * Deltas and per-second rates of cumulative counters between two snapshots: "ListenOverflows 285"
 * means nothing, "ListenOverflows 4.2/s in the last minute" means a full accept queue now. A
 * negative delta means the counter restarted (namespace recreated, reboot): the later value is then
 * taken as the delta. Gauges (sockstat, CurrEstab, RtoMin...) are left out.
 *
 * @param interval time between the two snapshots
 * @param deltas counter increase per key
 * @param perSecond deltas divided by the interval (0 for a zero interval)
 * @param resets keys whose counter went backwards
 */
public record SocketRates(
    Duration interval,
    Map<String, Long> deltas,
    Map<String, Double> perSecond,
    Set<String> resets) {

  private static final Set<String> GAUGES =
      Set.of("Tcp.CurrEstab", "Tcp.RtoAlgorithm", "Tcp.RtoMin", "Tcp.RtoMax", "Tcp.MaxConn");

  public SocketRates {
    deltas = Collections.unmodifiableMap(new LinkedHashMap<>(deltas));
    perSecond = Collections.unmodifiableMap(new LinkedHashMap<>(perSecond));
    resets = Collections.unmodifiableSet(new LinkedHashSet<>(resets));
  }

  /** Rates from {@code earlier} to {@code later}, over the counters present in both. */
  public static SocketRates between(SocketSnapshot earlier, SocketSnapshot later) {
    Duration interval = Duration.between(earlier.takenAt(), later.takenAt());
    double seconds = interval.toNanos() / 1e9;
    Map<String, Long> deltas = new LinkedHashMap<>();
    Map<String, Double> rates = new LinkedHashMap<>();
    Set<String> resets = new LinkedHashSet<>();
    later
        .counters()
        .forEach(
            (key, value) -> {
              Long before = earlier.counters().get(key);
              if (before == null || isGauge(key)) {
                return;
              }
              long delta = value - before;
              if (delta < 0) {
                resets.add(key);
                delta = value;
              }
              deltas.put(key, delta);
              rates.put(key, seconds > 0 ? delta / seconds : 0.0);
            });
    return new SocketRates(interval, deltas, rates, resets);
  }

  private static boolean isGauge(String key) {
    return key.startsWith("sockstat") || GAUGES.contains(key);
  }

  /** The increase of a counter, 0 when unknown. */
  public long delta(String key) {
    return deltas.getOrDefault(key, 0L);
  }

  /** The per-second rate of a counter, 0 when unknown. */
  public double rate(String key) {
    return perSecond.getOrDefault(key, 0.0);
  }

  /** Retransmitted / sent segments in the interval, 0 when nothing was sent. */
  public double retransmissionRatio() {
    long out = delta("Tcp.OutSegs");
    return out == 0 ? 0.0 : (double) delta("Tcp.RetransSegs") / out;
  }
}
