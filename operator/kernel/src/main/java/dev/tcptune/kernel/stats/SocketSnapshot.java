package dev.tcptune.kernel.stats;

import java.time.Instant;
import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalLong;

/**
 * The TCP counters and socket-state counts of one namespace at one instant. Raw totals are
 * cumulative since boot, so the interesting numbers come from {@link SocketRates#between}; the
 * getters here are for gauges and for building those rates.
 *
 * @param takenAt when the sample was read
 * @param counters {@code TcpExt.*}, {@code Tcp.*} (and other netstat/snmp sections), {@code
 *     sockstat.*}, {@code sockstat6.*}
 * @param states sockets per state, IPv4 + IPv6, for the states {@link SocketStatsReader#STATES}
 *     counts; other states are absent and read as 0
 */
public record SocketSnapshot(
    Instant takenAt, Map<String, Long> counters, Map<TcpState, Long> states) {

  public SocketSnapshot {
    Objects.requireNonNull(takenAt, "takenAt");
    counters = Collections.unmodifiableMap(new LinkedHashMap<>(counters));
    Map<TcpState, Long> copy = new EnumMap<>(TcpState.class);
    copy.putAll(states);
    states = Collections.unmodifiableMap(copy);
  }

  /** A counter, empty when this kernel does not have it. */
  public OptionalLong find(String key) {
    Long value = counters.get(key);
    return value == null ? OptionalLong.empty() : OptionalLong.of(value);
  }

  /** A counter, 0 when absent. */
  public long counter(String key) {
    return counters.getOrDefault(key, 0L);
  }

  /** Sockets in {@code state} (IPv4 + IPv6), 0 for a state that was not counted. */
  public long state(TcpState state) {
    return states.getOrDefault(state, 0L);
  }

  /** SYNs dropped because an accept queue was full (cumulative). */
  public long listenOverflows() {
    return counter("TcpExt.ListenOverflows");
  }

  /** SYNs dropped by listeners for any reason, overflows included (cumulative). */
  public long listenDrops() {
    return counter("TcpExt.ListenDrops");
  }

  /** Retransmitted segments (cumulative). */
  public long retransSegs() {
    return counter("Tcp.RetransSegs");
  }

  /** Segments sent (cumulative); the denominator of the retransmission ratio. */
  public long outSegs() {
    return counter("Tcp.OutSegs");
  }

  /** Retransmission timeouts (cumulative). */
  public long timeouts() {
    return counter("TcpExt.TCPTimeouts");
  }

  /** Established connections now. */
  public long currEstab() {
    return counter("Tcp.CurrEstab");
  }

  /** Sockets in TIME_WAIT now (IPv4 + IPv6). */
  public long timeWait() {
    return state(TcpState.TIME_WAIT);
  }

  /** Sockets in CLOSE_WAIT now: the peer closed, the application did not (a leak when it grows). */
  public long closeWait() {
    return state(TcpState.CLOSE_WAIT);
  }

  /** Orphaned sockets now (no file descriptor any more), from sockstat. */
  public long orphans() {
    return counter("sockstat.TCP.orphan");
  }
}
