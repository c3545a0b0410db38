package dev.tcptune.explain;

import dev.tcptune.kernel.apply.DesiredState;
import dev.tcptune.kernel.catalog.TunableCatalog;
import dev.tcptune.kernel.route.Route;
import dev.tcptune.kernel.route.RouteRule;
import dev.tcptune.kernel.timing.Estimate;
import dev.tcptune.kernel.timing.TcpTimings;
import dev.tcptune.kernel.timing.TimingBasis;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * Says what a profile's values mean in seconds on a given kernel and warns about the combinations
 * that hurt in production. Pure: the same profile, basis and options always give the same
 * explanation.
 */
public final class Explainer {

  /**
   * A local port range below this many ports (17 new connections per second to one destination)
   * gets a warning.
   */
  private static final int FEW_PORTS = 1024;

  /** RFC 1122 4.2.3.5: R2 for data should correspond to at least 100 s. */
  private static final Duration RFC1122_R2 = Duration.ofSeconds(100);

  /**
   * Explains without routes of a namespace (for --kernel, or a namespace none of whose routes
   * carries an {@code rto_min}).
   */
  public Explanation explain(
      String profile, DesiredState desired, TimingBasis basis, ExplainOptions options) {
    return explain(profile, desired, basis, List.of(), options);
  }

  /**
   * @param namespaceRoutes the routes of the namespace the basis was read from; those that carry an
   *     {@code rto_min} no rule of the profile sets get figures of their own
   */
  public Explanation explain(
      String profile,
      DesiredState desired,
      TimingBasis basis,
      List<Route> namespaceRoutes,
      ExplainOptions options) {
    OptionalInt routeFloor = desired.routeRules().stream().mapToInt(RouteRule::rtoMillis).min();
    TcpTimings t = basis.timings(desired.sysctls(), routeFloor);
    Map<String, String> values = new LinkedHashMap<>(basis.values());
    values.putAll(desired.sysctls());
    List<String> facts = new ArrayList<>();
    List<String> warnings = new ArrayList<>();

    facts.add(
        String.format(
            "figures for Linux %s (%s): tcp_syn_linear_timeouts %d, RTO floor %s%s, RTO ceiling %s;"
                + " a range is what the kernel's timer slack and the connection's round trip allow",
            t.kernel(),
            basis.source(),
            t.synLinearTimeouts(),
            human(t.rtoFloor()),
            routeFloor.isPresent() ? " on the tuned routes" : "",
            human(t.rtoMax())));
    facts.add(connectFact(t, value(values, TunableCatalog.TCP_SYN_RETRIES)));
    facts.add(
        String.format(
            "a listener sends its last SYN+ACK retransmission (tcp_synack_retries %s, 1 s doubling)"
                + " after %s and drops the half-open connection after %s",
            value(values, TunableCatalog.TCP_SYNACK_RETRIES),
            about(t.synAckLastRetransmission()),
            about(t.synAckDrop())));
    facts.add(
        String.format(
            "a dead peer of an idle SO_KEEPALIVE socket is found %s after the last packet received"
                + " (%s s + %s x %s s, each probe timer firing up to one timer-wheel bucket late)",
            about(t.deadPeerDetection()),
            value(values, TunableCatalog.TCP_KEEPALIVE_TIME),
            value(values, TunableCatalog.TCP_KEEPALIVE_PROBES),
            value(values, TunableCatalog.TCP_KEEPALIVE_INTVL)));
    facts.add(
        String.format(
            "an established connection with unanswered data to a dead peer is dropped %s after the"
                + " write: tcp_retries2 %s is a budget of %s from the fixed 200 ms base, counted from"
                + " the first retransmission and checked when the retransmission timer fires; with"
                + " the RTO floor %s that is a tail-loss probe and %d retransmissions",
            about(t.establishedGiveUp()),
            value(values, TunableCatalog.TCP_RETRIES2),
            human(t.establishedBudget()),
            human(t.rtoFloor()),
            t.establishedRetransmissions()));
    facts.add(
        String.format(
            "an orphaned closing socket (FIN_WAIT1) whose FIN is never acknowledged is dropped %s"
                + " after close() (tcp_orphan_retries %s%s: a budget of %s from the 200 ms base);"
                + " an orphaned FIN_WAIT2 socket lives %s (tcp_fin_timeout %s s%s)",
            about(t.orphanGiveUp()),
            value(values, TunableCatalog.TCP_ORPHAN_RETRIES),
            "0".equals(value(values, TunableCatalog.TCP_ORPHAN_RETRIES))
                ? ", 0 means 8 while the RTO is below the ceiling and 0 once it reaches it"
                : "",
            human(t.orphanBudget()),
            about(t.finWait2Lifetime()),
            value(values, TunableCatalog.TCP_FIN_TIMEOUT),
            Long.parseLong(value(values, TunableCatalog.TCP_FIN_TIMEOUT))
                    > TcpTimings.TIME_WAIT.toSeconds()
                ? "; above the 60 s TIME_WAIT length the kernel keeps it 2 x (timeout - 60 s)"
                : ""));
    facts.add(
        String.format(
            "%d ephemeral port%s / 60 s TIME_WAIT = at most %s to one destination"
                + " without TIME_WAIT reuse (tcp_tw_reuse %s)",
            t.ephemeralPorts(),
            t.ephemeralPorts() == 1 ? "" : "s",
            connectionRate(t.maxNewConnectionsPerSecondPerDestination()),
            value(values, TunableCatalog.TCP_TW_REUSE)));
    if (desired.sysctls().containsKey(TunableCatalog.SOMAXCONN.key())) {
      facts.add(
          "somaxconn is read at listen(): services that are already listening keep their old accept queue"
              + " until they restart");
    }
    List<RouteTimings> routes = routeTimings(desired, basis, namespaceRoutes);
    routes.forEach(r -> facts.add(routeFact(r)));
    unsupported(desired, t, facts);

    String orphan = desired.sysctls().get(TunableCatalog.TCP_ORPHAN_RETRIES.key());
    if (orphan != null && !orphan.equals("0") && Integer.parseInt(orphan) < 3) {
      warnings.add(
          String.format(
              "spec.retries.orphan %s is low: a closing socket gives up %s after close(), and when"
                  + " its FIN is lost the peer stays half-open (CLOSE_WAIT); 7 keeps it about as long as TIME_WAIT",
              orphan, about(t.orphanGiveUp())));
    }
    if (t.establishedGiveUp().typical().compareTo(RFC1122_R2) < 0) {
      warnings.add(
          String.format(
              "spec.retries.retries2 %s drops established connections with unanswered data %s"
                  + " after the write, below the 100 s RFC 1122 asks for: a short network blip kills"
                  + " connections",
              value(values, TunableCatalog.TCP_RETRIES2), about(t.establishedGiveUp())));
    }
    if (desired.sysctls().containsKey(TunableCatalog.IP_LOCAL_PORT_RANGE.key())
        && t.ephemeralPorts() < FEW_PORTS) {
      warnings.add(
          String.format(
              "spec.timeWait.localPortRange leaves %d ephemeral port%s: at most %s to one"
                  + " destination without TIME_WAIT reuse; more fail connect() with EADDRNOTAVAIL",
              t.ephemeralPorts(),
              t.ephemeralPorts() == 1 ? "" : "s",
              connectionRate(t.maxNewConnectionsPerSecondPerDestination())));
    }
    options.loadBalancerIdleTimeout().ifPresent(idle -> lbWarning(values, idle, warnings));
    options.appConnectTimeout().ifPresent(connect -> connectWarning(t, connect, warnings));
    options.appReadTimeout().ifPresent(read -> readWarning(t, read, warnings));
    return new Explanation(profile, basis, t, routes, facts, warnings);
  }

  /**
   * The namespace's routes with an {@code rto_min} that no rule of the profile matches (a rule's
   * value replaces the route's once applied, and is already in the main figures), grouped by value.
   */
  private static List<RouteTimings> routeTimings(
      DesiredState desired, TimingBasis basis, List<Route> namespaceRoutes) {
    Map<Integer, List<String>> byFloor = new TreeMap<>();
    for (Route route : namespaceRoutes) {
      if (route.rtoMinMillis().isPresent()
          && desired.routeRules().stream().noneMatch(rule -> rule.matches(route))) {
        byFloor
            .computeIfAbsent(route.rtoMinMillis().getAsInt(), k -> new ArrayList<>())
            .add(route.describe());
      }
    }
    List<RouteTimings> routes = new ArrayList<>();
    byFloor.forEach(
        (millis, described) ->
            routes.add(
                new RouteTimings(
                    millis, described, basis.timings(desired.sysctls(), OptionalInt.of(millis)))));
    return routes;
  }

  private static String routeFact(RouteTimings r) {
    List<String> routes = r.routes();
    String named =
        String.join("; ", routes.subList(0, Math.min(3, routes.size())))
            + (routes.size() > 3 ? "; and " + (routes.size() - 3) + " more" : "");
    TcpTimings t = r.timings();
    return String.format(
        "on %d route%s of the namespace that already carr%s rto_min %d ms, which this profile does"
            + " not set (%s), that is the RTO floor: an established connection with unanswered"
            + " data to a dead peer is dropped %s after the write (a tail-loss probe and %d"
            + " retransmissions), an orphaned FIN_WAIT1 socket %s after close()",
        routes.size(),
        routes.size() == 1 ? "" : "s",
        routes.size() == 1 ? "ies" : "y",
        r.rtoMinMillis(),
        named,
        about(t.establishedGiveUp()),
        t.establishedRetransmissions(),
        about(t.orphanGiveUp()));
  }

  private static String connectFact(TcpTimings t, String synRetries) {
    List<Duration> sent = t.synRetransmissions();
    String schedule = sent.stream().map(d -> human(round(d))).collect(Collectors.joining(", "));
    if (t.synLinearTimeouts() > 0) {
      return String.format(
          "connect() to a silent peer fails %s after the call: SYNs are resent at about %s (the"
              + " first %d at the 1 s initial RTO, then doubling); the kernel gives up at the first"
              + " timer expiry that finds %s + %d retransmissions sent or %s spent since the first"
              + " SYN (tcp_syn_retries %s doublings from 1 s)",
          about(t.connectGiveUp()),
          schedule,
          t.synLinearTimeouts(),
          synRetries,
          t.synLinearTimeouts(),
          human(t.connectBudget()),
          synRetries);
    }
    return String.format(
        "connect() to a silent peer fails %s after the call (tcp_syn_retries %s, 1 s initial RTO"
            + " doubling: SYNs resent at about %s)",
        about(t.connectGiveUp()), synRetries, schedule);
  }

  private static void unsupported(DesiredState desired, TcpTimings t, List<String> facts) {
    for (String key : desired.sysctls().keySet()) {
      TunableCatalog.standard()
          .find(key)
          .filter(tunable -> !tunable.isSupportedOn(t.kernel()))
          .ifPresent(
              tunable ->
                  facts.add(
                      String.format(
                          "%s needs kernel %s or later: on %s it does not exist, the agent reports it"
                              + " as unsupported and these figures ignore it",
                          key, tunable.minKernel(), t.kernel())));
    }
  }

  /** "470 new connections per second", or for less than one a second "1 every 60 s". */
  private static String connectionRate(double perSecond) {
    if (perSecond >= 10) {
      return String.format("%.0f new connections per second", perSecond);
    }
    if (perSecond >= 1) {
      return String.format("%.1f new connections per second", perSecond);
    }
    double seconds = 1 / perSecond;
    return seconds == Math.rint(seconds)
        ? String.format("1 new connection every %.0f s", seconds)
        : String.format("1 new connection every %.1f s", seconds);
  }

  private static void lbWarning(Map<String, String> values, Duration idle, List<String> warnings) {
    long time = Long.parseLong(value(values, TunableCatalog.TCP_KEEPALIVE_TIME));
    if (time >= idle.toSeconds()) {
      warnings.add(
          String.format(
              "spec.keepalive.timeSeconds %d is not below the load balancer idle timeout %s:"
                  + " idle connections are cut before the first probe; use less than %d",
              time, human(idle), idle.toSeconds()));
    }
  }

  private static void connectWarning(TcpTimings t, Duration connect, List<String> warnings) {
    List<Duration> sent = t.synRetransmissions();
    long covered = sent.stream().filter(d -> d.compareTo(connect) < 0).count();
    if (covered == 0 && !sent.isEmpty()) {
      warnings.add(
          String.format(
              "an application connect timeout of %s is shorter than the first SYN retransmission"
                  + " (at about %s): one lost SYN fails the connect",
              human(connect), human(round(sent.get(0)))));
    } else if (covered == 1 && sent.size() > 1) {
      warnings.add(
          String.format(
              "an application connect timeout of %s leaves room for one SYN retransmission (at"
                  + " about %s; the next goes out at about %s): two lost SYNs in a row fail the"
                  + " connect",
              human(connect), human(round(sent.get(0))), human(round(sent.get(1)))));
    } else if (connect.compareTo(t.connectGiveUp().typical()) > 0) {
      warnings.add(
          String.format(
              "the kernel fails connect() %s after the call, before the application's %s timeout",
              about(t.connectGiveUp()), human(connect)));
    }
  }

  private static void readWarning(TcpTimings t, Duration read, List<String> warnings) {
    Duration firstRto = t.tailLossProbe().plus(t.rto());
    if (read.compareTo(firstRto) < 0) {
      warnings.add(
          String.format(
              "an application read timeout of %s is shorter than the retransmission of a lost"
                  + " segment: a tail-loss probe goes out after about %s and the first RTO"
                  + " retransmission after about %s (RTO floor %s), so one lost segment times the"
                  + " request out",
              human(read), human(t.tailLossProbe()), human(firstRto), human(t.rtoFloor())));
    }
  }

  private static String value(Map<String, String> values, dev.tcptune.kernel.catalog.Tunable t) {
    return values.getOrDefault(t.key(), t.kernelDefault());
  }

  /** "about 19.4 s (19 s .. 19.7 s)", or "about 19.4 s" when the range is within 5%. */
  static String about(Estimate e) {
    long spread = e.latest().minus(e.earliest()).toMillis();
    if (spread * 20 <= e.typical().toMillis()) {
      return "about " + human(round(e.typical()));
    }
    return "about "
        + human(round(e.typical()))
        + " ("
        + human(round(e.earliest()))
        + " .. "
        + human(round(e.latest()))
        + ")";
  }

  /** To a tenth of a second above one second: the model is not more precise than that. */
  private static Duration round(Duration d) {
    long millis = d.toMillis();
    return millis < 1000 ? d : Duration.ofMillis(Math.round(millis / 100.0) * 100);
  }

  /** 127 s, 2 h 11 min, 924.6 s, 20 ms: what a person reads fastest. */
  static String human(Duration d) {
    long millis = d.toMillis();
    if (millis < 1000) {
      return millis + " ms";
    }
    if (millis < 3_600_000) {
      return millis % 1000 == 0 ? (millis / 1000) + " s" : String.format("%.1f s", millis / 1000.0);
    }
    long minutes = d.toMinutes();
    return (minutes / 60) + " h " + (minutes % 60) + " min";
  }
}
