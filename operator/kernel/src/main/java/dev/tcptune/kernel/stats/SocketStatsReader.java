package dev.tcptune.kernel.stats;

import dev.tcptune.kernel.exec.CommandRunner;
import dev.tcptune.kernel.exec.NetworkNamespace;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Reads the socket statistics of one namespace: the /proc/net counter files, socket states, and
 * {@code ss -ltn} for listeners. The parsing lives in {@link ProcNetParsers}; this class only knows
 * where the text comes from.
 *
 * <p>It never reads {@code /proc/net/tcp}: a node with 100,000 TIME_WAIT sockets would make every
 * sample walk and print all of them. The big populations come from counters instead (TIME_WAIT from
 * {@code sockstat}'s {@code tw} less the orphaned FIN_WAIT2 entries it also holds, ESTABLISHED from
 * {@code Tcp.CurrEstab} minus CLOSE_WAIT), and only the small states are enumerated, filtered in
 * the kernel by {@code ss ... state X}.
 */
public final class SocketStatsReader {

  /** The states a snapshot counts. */
  public static final Set<TcpState> STATES =
      Collections.unmodifiableSet(
          EnumSet.of(
              TcpState.ESTABLISHED,
              TcpState.TIME_WAIT,
              TcpState.CLOSE_WAIT,
              TcpState.LISTEN,
              TcpState.SYN_RECV,
              TcpState.FIN_WAIT1,
              TcpState.FIN_WAIT2));

  /** Enumerated by ss with a kernel-side state filter: few sockets each on a healthy node. */
  private static final List<TcpState> ENUMERATED =
      List.of(
          TcpState.CLOSE_WAIT,
          TcpState.LISTEN,
          TcpState.SYN_RECV,
          TcpState.FIN_WAIT1,
          TcpState.FIN_WAIT2);

  private final NetworkNamespace namespace;
  private final CommandRunner runner;
  private final Clock clock;

  public SocketStatsReader(NetworkNamespace namespace, CommandRunner runner, Clock clock) {
    this.namespace = Objects.requireNonNull(namespace, "namespace");
    this.runner = Objects.requireNonNull(runner, "runner");
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  /**
   * Reads every counter and the {@link #STATES} now. Counter files missing on this kernel are
   * skipped.
   */
  public SocketSnapshot sample() {
    var takenAt = clock.instant();
    Map<String, Long> counters = new LinkedHashMap<>();
    read("/proc/net/netstat").ifPresent(t -> counters.putAll(ProcNetParsers.headerValuePairs(t)));
    read("/proc/net/snmp").ifPresent(t -> counters.putAll(ProcNetParsers.headerValuePairs(t)));
    read("/proc/net/sockstat")
        .ifPresent(t -> counters.putAll(ProcNetParsers.sockstat(t, "sockstat")));
    read("/proc/net/sockstat6")
        .ifPresent(t -> counters.putAll(ProcNetParsers.sockstat(t, "sockstat6")));
    String enumerated = enumerate();
    Map<TcpState, Long> states = ProcNetParsers.ssStates(enumerated, EnumSet.copyOf(ENUMERATED));
    // sockstat's tw also holds orphaned FIN_WAIT2 sockets, which ss listed above as FIN-WAIT-2.
    long tw = counters.getOrDefault("sockstat.TCP.tw", 0L);
    states.put(TcpState.TIME_WAIT, Math.max(0, tw - ProcNetParsers.ssTimewaitEntries(enumerated)));
    // CurrEstab counts ESTABLISHED and CLOSE_WAIT (RFC 1213 tcpCurrEstab), for IPv4 and IPv6.
    long currEstab = counters.getOrDefault("Tcp.CurrEstab", 0L);
    states.put(TcpState.ESTABLISHED, Math.max(0, currEstab - states.get(TcpState.CLOSE_WAIT)));
    return new SocketSnapshot(takenAt, counters, states);
  }

  /** {@code ss} output of the {@link #ENUMERATED} states, with timers ({@code -o}). */
  private String enumerate() {
    List<String> argv = new ArrayList<>(List.of("ss", "-H", "-t", "-a", "-n", "-o"));
    for (TcpState state : ENUMERATED) {
      argv.add("state");
      argv.add(state.ssFilter());
    }
    return runner.run(namespace.wrap(argv)).orThrow().stdout();
  }

  /** Every listening TCP socket ({@code ss -H -ltn}). */
  public List<Listener> listeners() {
    return ProcNetParsers.ssListeners(
        runner.run(namespace.wrap(List.of("ss", "-H", "-ltn"))).orThrow().stdout());
  }

  /**
   * Listeners whose backlog is below {@code somaxconn}: they were opened before it was raised (or
   * ask for less) and need a restart to benefit.
   */
  public List<Listener> listenersBelow(int somaxconn) {
    return listeners().stream().filter(l -> l.backlog() < somaxconn).toList();
  }

  private java.util.Optional<String> read(String file) {
    return namespace.readFile(Path.of(file), runner);
  }
}
