package dev.tcptune.kernel.stats;

import dev.tcptune.kernel.exec.CommandRunner;
import dev.tcptune.kernel.exec.NetworkNamespace;
import java.nio.file.Path;
import java.time.Clock;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Reads the socket statistics of one namespace: the /proc/net files for counters and states, and
 * {@code ss -ltn} for listeners. The parsing lives in {@link ProcNetParsers}; this class only knows
 * where the text comes from.
 */
public final class SocketStatsReader {

  private final NetworkNamespace namespace;
  private final CommandRunner runner;
  private final Clock clock;

  public SocketStatsReader(NetworkNamespace namespace, CommandRunner runner, Clock clock) {
    this.namespace = Objects.requireNonNull(namespace, "namespace");
    this.runner = Objects.requireNonNull(runner, "runner");
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  /** Reads every counter and the socket states now. Files missing on this kernel are skipped. */
  public SocketSnapshot sample() {
    var takenAt = clock.instant();
    Map<String, Long> counters = new LinkedHashMap<>();
    read("/proc/net/netstat").ifPresent(t -> counters.putAll(ProcNetParsers.headerValuePairs(t)));
    read("/proc/net/snmp").ifPresent(t -> counters.putAll(ProcNetParsers.headerValuePairs(t)));
    read("/proc/net/sockstat")
        .ifPresent(t -> counters.putAll(ProcNetParsers.sockstat(t, "sockstat")));
    read("/proc/net/sockstat6")
        .ifPresent(t -> counters.putAll(ProcNetParsers.sockstat(t, "sockstat6")));
    Map<TcpState, Long> states = new HashMap<>(ProcNetParsers.emptyStates());
    for (String file : List.of("/proc/net/tcp", "/proc/net/tcp6")) {
      read(file)
          .ifPresent(
              t -> ProcNetParsers.tcpStates(t).forEach((s, n) -> states.merge(s, n, Long::sum)));
    }
    return new SocketSnapshot(takenAt, counters, states);
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
