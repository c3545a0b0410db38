package dev.tcptune.kernel.timing;

import dev.tcptune.kernel.catalog.KernelVersion;
import dev.tcptune.kernel.catalog.Tunable;
import dev.tcptune.kernel.catalog.TunableCatalog;
import dev.tcptune.kernel.sysctl.SysctlValues;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalInt;
import java.util.function.BiFunction;

/**
 * The timings that TCP settings imply ("connect() gives up after 19 s"), as the kernel of a given
 * version computes them in {@code net/ipv4/tcp_timer.c} and {@code tcp_output.c}, against a peer
 * that silently drops everything. Pure: computed from effective values (keys not given take the
 * catalog's kernel default) and the kernel version; no Kubernetes, no I/O, so the operator can use
 * it with a node's reported kernel version.
 *
 * <p>What the kernel does, which the textbook "initial RTO doubling N times" misses:
 *
 * <ul>
 *   <li>connect(): the SYN is retransmitted at the initial RTO (1 s); from 6.7 the first {@code
 *       tcp_syn_linear_timeouts} (default 4) retransmissions keep 1 s, then the RTO doubles.
 *       connect() fails when the timer fires and either {@code tcp_syn_retries +
 *       tcp_syn_linear_timeouts} retransmissions were sent or the time since the first SYN reached
 *       the budget of {@code tcp_syn_retries} doublings from 1 s.
 *   <li>established and orphaned sockets: the give-up is only a time budget, {@code
 *       tcp_model_timeout(retries, TCP_RTO_MIN)} from a fixed 200 ms base whatever {@code rto_min}
 *       or {@code tcp_rto_min_us} say, counted from the first RTO retransmission and checked when
 *       the retransmission timer fires. The first retransmission is a tail-loss probe, one RTO
 *       floor after the send (also above 200 ms). A lower RTO floor gives more retransmissions in
 *       the same budget, not an earlier give-up.
 *   <li>orphans: tcp_orphan_retries 0 means 8 only while the RTO is below the ceiling; an expiry
 *       that finds it there (reachable with tcp_rto_max_ms lowered) drops the socket.
 *   <li>a listener's SYN+ACK timer doubles up to the fixed 120 s, whatever tcp_rto_max_ms says.
 *   <li>orphaned FIN_WAIT2 above 60 s of tcp_fin_timeout lives 2 x (timeout - 60 s) ({@link
 *       FinWait2}).
 * </ul>
 *
 * @param kernel the kernel version the figures are for
 * @param synLinearTimeouts SYN retransmissions at the initial RTO before it doubles (0 before 6.7)
 * @param rtoMax the RTO ceiling of sockets ({@code tcp_rto_max_ms} from 6.15, else 120 s); a
 *     listener's request sockets keep the fixed 120 s
 * @param connectGiveUp when {@code connect()} fails with ETIMEDOUT, from the call
 * @param synRetransmissions when each SYN retransmission goes out (typical), from the call
 * @param connectBudget the time budget of tcp_syn_retries, from the first SYN
 * @param synAckLastRetransmission when a listener sends its last SYN+ACK retransmission, from the
 *     first SYN+ACK
 * @param synAckDrop when it drops the half-open request (SYN_RECV), from the first SYN+ACK
 * @param deadPeerDetection when a SO_KEEPALIVE socket with a dead peer is reset, from the last
 *     packet received
 * @param establishedGiveUp when an established connection with unanswered data is dropped, from the
 *     write
 * @param establishedRetransmissions RTO retransmissions before that (after the tail-loss probe)
 * @param rtoFloor the RTO floor (route rto_min, else tcp_rto_min_us on 6.11+, else 200 ms)
 * @param rto the typical RTO of a connection on a LAN: a little above the floor
 * @param tailLossProbe when a lost last segment is first resent (tail-loss probe), from the send
 * @param establishedBudget the give-up budget of tcp_retries2, from the first retransmission
 * @param orphanBudget the give-up budget of an orphan, from the first retransmission
 * @param orphanRetries effective tcp_orphan_retries (0 means 8 while the socket is alive: its RTO
 *     below the ceiling)
 * @param orphanGiveUp when an orphaned FIN_WAIT1 socket whose FIN is never acknowledged is dropped,
 *     from close()
 * @param finWait2Lifetime how long an orphaned FIN_WAIT2 socket lives, from close() (see {@link
 *     FinWait2})
 * @param ephemeralPorts ports in ip_local_port_range
 * @param maxNewConnectionsPerSecondPerDestination ports / 60 s TIME_WAIT, without tw_reuse
 */
public record TcpTimings(
    KernelVersion kernel,
    int synLinearTimeouts,
    Duration rtoMax,
    Estimate connectGiveUp,
    List<Duration> synRetransmissions,
    Duration connectBudget,
    Estimate synAckLastRetransmission,
    Estimate synAckDrop,
    Estimate deadPeerDetection,
    Estimate establishedGiveUp,
    int establishedRetransmissions,
    Duration rtoFloor,
    Duration rto,
    Duration tailLossProbe,
    Duration establishedBudget,
    int orphanRetries,
    Duration orphanBudget,
    Estimate orphanGiveUp,
    Estimate finWait2Lifetime,
    long ephemeralPorts,
    double maxNewConnectionsPerSecondPerDestination) {

  /** The kernel's initial RTO for SYN and SYN+ACK ({@code TCP_TIMEOUT_INIT}). */
  public static final Duration INITIAL_RTO = Duration.ofSeconds(1);

  /** The RTO ceiling before {@code tcp_rto_max_ms} (6.15) made it tunable. */
  public static final Duration RTO_MAX = Duration.ofSeconds(120);

  /** {@code TCP_RTO_MIN}: the default RTO floor, and the fixed base of the established budget. */
  public static final Duration RTO_MIN = Duration.ofMillis(200);

  /** TIME_WAIT length (fixed in the kernel). */
  public static final Duration TIME_WAIT = Duration.ofSeconds(60);

  /** What an orphan's 0 retries mean while the socket is alive ({@code tcp_orphan_retries()}). */
  public static final int ORPHAN_RETRIES_WHEN_ZERO = 8;

  /** How far into its timer-wheel bucket a timer fires: typically half-way, at most all of it. */
  private static final double TYPICAL = 0.5;

  private static final double[] LATENESS = {0, TYPICAL, 1};

  /** The jiffy of HZ=1000, the shortest there is: the least an RTO can exceed its floor by. */
  private static final Duration SHORTEST_JIFFY = Duration.ofMillis(1);

  /**
   * Computes the timings.
   *
   * @param effective sysctl key to value; missing keys take the catalog's kernel default, keys the
   *     kernel does not have yet are ignored
   * @param routeRtoMinMillis a route's {@code rto_min}, which overrides tcp_rto_min_us when given
   * @param kernel the kernel version to model
   * @param rtoMax the RTO ceiling of that kernel ({@link #RTO_MAX} unless tcp_rto_max_ms says else)
   * @throws IllegalArgumentException naming the key and value when a value is not a number
   */
  public static TcpTimings of(
      Map<String, String> effective,
      OptionalInt routeRtoMinMillis,
      KernelVersion kernel,
      Duration rtoMax) {
    Objects.requireNonNull(kernel, "kernel");
    Values v = new Values(effective, kernel);
    int synRetries = (int) v.number(TunableCatalog.TCP_SYN_RETRIES);
    int linear = (int) v.number(TunableCatalog.TCP_SYN_LINEAR_TIMEOUTS);
    int synAckRetries = (int) v.number(TunableCatalog.TCP_SYNACK_RETRIES);
    int retries2 = (int) v.number(TunableCatalog.TCP_RETRIES2);
    int orphanSetting = (int) v.number(TunableCatalog.TCP_ORPHAN_RETRIES);
    int orphan = orphanSetting == 0 ? ORPHAN_RETRIES_WHEN_ZERO : orphanSetting;
    Duration floor =
        routeRtoMinMillis.isPresent()
            ? Duration.ofMillis(routeRtoMinMillis.getAsInt())
            : Duration.ofNanos(v.number(TunableCatalog.TCP_RTO_MIN_US) * 1000);
    String[] ports = v.text(TunableCatalog.IP_LOCAL_PORT_RANGE).split(" ");
    long portCount = Long.parseLong(ports[1]) - Long.parseLong(ports[0]) + 1;

    long keepaliveTime = v.number(TunableCatalog.TCP_KEEPALIVE_TIME);
    long keepaliveIntvl = v.number(TunableCatalog.TCP_KEEPALIVE_INTVL);
    long keepaliveProbes = v.number(TunableCatalog.TCP_KEEPALIVE_PROBES);
    long finTimeout = v.number(TunableCatalog.TCP_FIN_TIMEOUT);
    return new TcpTimings(
        kernel,
        linear,
        rtoMax,
        estimate(floor, (rtt, late) -> connect(synRetries, linear, rtoMax, late).giveUp()),
        connect(synRetries, linear, rtoMax, TYPICAL).retransmissions(),
        RetransmissionTimer.budget(synRetries, INITIAL_RTO, rtoMax),
        estimate(floor, (rtt, late) -> synAckExpiry(synAckRetries, late)),
        estimate(floor, (rtt, late) -> synAckExpiry(synAckRetries + 1, late)),
        estimate(
            floor, (rtt, late) -> keepalive(keepaliveTime, keepaliveIntvl, keepaliveProbes, late)),
        estimate(floor, (rtt, late) -> data(retries2, rtoMax, rtt, late).giveUp()),
        data(retries2, rtoMax, Rtt.typical(floor), TYPICAL).retransmissions().size(),
        floor,
        Rtt.typical(floor).rto(),
        Rtt.typical(floor).probeTimeout(),
        RetransmissionTimer.budget(retries2, RTO_MIN, rtoMax),
        orphan,
        RetransmissionTimer.budget(orphan, RTO_MIN, rtoMax),
        estimate(floor, (rtt, late) -> orphan(orphanSetting, rtoMax, rtt, late).giveUp()),
        estimate(floor, (rtt, late) -> FinWait2.lifetime(finTimeout, rtt.rto(), late)),
        portCount,
        portCount / (double) TIME_WAIT.toSeconds());
  }

  /** Timings of a fresh namespace (every key at its kernel default) on {@code kernel}. */
  public static TcpTimings defaults(KernelVersion kernel) {
    return of(Map.of(), OptionalInt.empty(), kernel, RTO_MAX);
  }

  private static RetransmissionTimer.Outcome connect(
      int synRetries, int linear, Duration rtoMax, double lateness) {
    return RetransmissionTimer.run(
        new RetransmissionTimer.Schedule(
            Duration.ZERO,
            INITIAL_RTO,
            true,
            RetransmissionTimer.budget(synRetries, INITIAL_RTO, rtoMax),
            RetransmissionTimer.budget(synRetries, INITIAL_RTO, rtoMax),
            synRetries + linear,
            linear,
            rtoMax,
            lateness));
  }

  /**
   * A figure over what the model cannot know: how far the connection's RTO sits above its floor and
   * how late each timer fires. Typical: a LAN RTO, timers half a bucket late; the range is the
   * least and the most over every combination, since a give-up is not monotonic in them: a slightly
   * higher RTO can reach a budget one expiry earlier, or reach the ceiling one doubling earlier
   * (tcp_rto_max_ms 1000, an orphan with 0 retries: dropped after 2.0 s with a 250 ms RTO, 3.0 s
   * with 249 ms), so every RTO of the range is tried, not only its ends.
   */
  private static Estimate estimate(Duration floor, BiFunction<Rtt, Double, Duration> figure) {
    Duration typical = figure.apply(Rtt.typical(floor), TYPICAL);
    Duration earliest = typical;
    Duration latest = typical;
    for (Rtt rtt : Rtt.range(floor)) {
      for (double lateness : LATENESS) {
        Duration d = figure.apply(rtt, lateness);
        earliest = d.compareTo(earliest) < 0 ? d : earliest;
        latest = d.compareTo(latest) > 0 ? d : latest;
      }
    }
    return new Estimate(typical, earliest, latest);
  }

  /**
   * A listener's request socket ({@code reqsk_timer_handler()}): the timer starts at 1 s and
   * doubles (no linear phase, no time budget); SYN+ACK retransmission k goes out at expiry k, and
   * the request is dropped at the expiry after the last retransmission. Returns expiry {@code n}.
   * The doubling is capped at the fixed 120 s ({@code reqsk_timeout(req, TCP_RTO_MAX)}), not at
   * tcp_rto_max_ms: a request is no socket with an {@code icsk_rto_max}. Measured on 6.18 with
   * tcp_rto_max_ms 1000 and tcp_synack_retries 3: dropped after 15.4 s (1 + 2 + 4 + 8 s), not 4 s.
   */
  private static Duration synAckExpiry(int n, double lateness) {
    Duration t = Duration.ZERO;
    Duration rto = INITIAL_RTO;
    for (int k = 0; k < n; k++) {
      t = t.plus(rto).plus(RetransmissionTimer.late(rto, lateness));
      rto = rto.multipliedBy(2).compareTo(RTO_MAX) > 0 ? RTO_MAX : rto.multipliedBy(2);
    }
    return t;
  }

  /**
   * {@code tcp_keepalive_timer()}: the first probe when the socket has been idle (nothing received)
   * for the time, then a probe every interval; the reset comes at the expiry that finds {@code
   * probes} unanswered.
   */
  private static Duration keepalive(long time, long intvl, long probes, double lateness) {
    Duration idle = Duration.ofSeconds(time);
    Duration interval = Duration.ofSeconds(intvl);
    return idle.plus(RetransmissionTimer.late(idle, lateness))
        .plus(interval.plus(RetransmissionTimer.late(interval, lateness)).multipliedBy(probes));
  }

  /**
   * Unanswered data (or a FIN): a tail-loss probe after the probe timeout, then RTO retransmissions
   * doubling from the connection's RTO; given up by the time budget of {@code retries} from the
   * fixed 200 ms base.
   */
  private static RetransmissionTimer.Outcome data(
      int retries, Duration rtoMax, Rtt rtt, double lateness) {
    Duration budget = RetransmissionTimer.budget(retries, RTO_MIN, rtoMax);
    return unanswered(budget, budget, rtoMax, rtt, lateness);
  }

  /**
   * An orphan's unanswered FIN: as {@link #data}, with the budget of tcp_orphan_retries. A setting
   * of 0 means 8 only while the socket is "alive", its RTO below the ceiling ({@code
   * tcp_orphan_retries(sk, alive)}); at an expiry that finds the RTO at the ceiling it is 0 again,
   * a budget of 200 ms, long spent: the socket is dropped at once. With the 120 s ceiling the
   * budget of 8 runs out first; with tcp_rto_max_ms lowered (6.15+) the ceiling comes first (1 s:
   * after about 2.7 s instead of 7.4 s).
   */
  private static RetransmissionTimer.Outcome orphan(
      int setting, Duration rtoMax, Rtt rtt, double lateness) {
    int retries = setting == 0 ? ORPHAN_RETRIES_WHEN_ZERO : setting;
    Duration budget = RetransmissionTimer.budget(retries, RTO_MIN, rtoMax);
    Duration atCeiling = RetransmissionTimer.budget(setting, RTO_MIN, rtoMax);
    return unanswered(budget, atCeiling, rtoMax, rtt, lateness);
  }

  private static RetransmissionTimer.Outcome unanswered(
      Duration budget, Duration budgetAtCeiling, Duration rtoMax, Rtt rtt, double lateness) {
    Duration pto = rtt.probeTimeout();
    Duration tlpFires = pto.plus(RetransmissionTimer.late(pto, lateness));
    return RetransmissionTimer.run(
        new RetransmissionTimer.Schedule(
            tlpFires,
            rtt.rto(),
            false,
            budget,
            budgetAtCeiling,
            Integer.MAX_VALUE,
            0,
            rtoMax,
            lateness));
  }

  /**
   * What the connection's round trip does to its timers, on a path whose round trip is well below
   * the RTO floor. The RTO is srtt + rttvar with rttvar at least the floor, rounded up to jiffies,
   * so at least one jiffy above a whole-jiffy floor (1 ms at HZ=1000); a few ms above the floor on
   * a LAN ({@code ss -ti} shows rto:204 for the 200 ms floor); RTT samples inflated by delayed ACKs
   * or a busy peer lift it further (up to a quarter above the floor). The tail-loss probe timeout
   * of a single segment in flight is srtt/4 plus the RTO floor ({@code tcp_rto_min_us(sk)} in
   * {@code tcp_schedule_loss_probe()}), rounded up to jiffies and at most the time left to the RTO:
   * on a LAN the RTO itself, for any floor. (Not the 200 ms delayed-ACK maximum: with a route
   * rto_min of 500 ms and tcp_retries2 1, 6.18 gave up after 2.04 s, which a 200 ms probe puts at
   * 1.75 s.) A peer without SACK gets no tail-loss probe.
   *
   * @param rto the connection's RTO
   * @param probeTimeout the tail-loss probe timeout, zero for no probe
   */
  private record Rtt(Duration rto, Duration probeTimeout) {

    /** Most RTOs tried between the least and the most: enough for a floor of any size. */
    private static final int STEPS = 64;

    /** A LAN: one jiffy above the floor, the probe as late as the RTO. */
    static Rtt typical(Duration floor) {
      Duration rto = TimerWheel.inJiffies(floor).plus(TimerWheel.JIFFY);
      return new Rtt(rto, rto);
    }

    /**
     * Every case the range covers: the least RTO (1 ms above the floor) without a probe, then each
     * RTO in jiffies from the typical one to a quarter above the floor, each with its probe.
     */
    static List<Rtt> range(Duration floor) {
      List<Rtt> all = new ArrayList<>();
      all.add(new Rtt(floor.plus(SHORTEST_JIFFY), Duration.ZERO));
      Duration low = typical(floor).rto();
      Duration high = TimerWheel.inJiffies(floor.plus(floor.dividedBy(4))).plus(TimerWheel.JIFFY);
      Duration step = high.minus(low).dividedBy(STEPS);
      step = step.compareTo(TimerWheel.JIFFY) < 0 ? TimerWheel.JIFFY : step;
      for (Duration rto = low; rto.compareTo(high) <= 0; rto = rto.plus(step)) {
        all.add(new Rtt(rto, rto));
      }
      return all;
    }
  }

  /** Effective values: the given ones, else the kernel default; keys this kernel lacks ignored. */
  private record Values(Map<String, String> effective, KernelVersion kernel) {

    String text(Tunable tunable) {
      String raw = tunable.isSupportedOn(kernel) ? effective.get(tunable.key()) : null;
      String value = raw == null ? defaultOn(tunable) : raw;
      return SysctlValues.normalize(value);
    }

    long number(Tunable tunable) {
      String value = text(tunable);
      try {
        return Long.parseLong(value);
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException(
            tunable.key() + ": '" + value + "' is not an integer", e);
      }
    }

    /** What the kernel does without the key: tcp_syn_linear_timeouts absent means none. */
    private String defaultOn(Tunable tunable) {
      if (!tunable.isSupportedOn(kernel) && tunable == TunableCatalog.TCP_SYN_LINEAR_TIMEOUTS) {
        return "0";
      }
      return tunable.kernelDefault();
    }
  }
}
