package dev.tcptune.explain;

import dev.tcptune.kernel.apply.DesiredState;
import dev.tcptune.kernel.catalog.TunableCatalog;
import dev.tcptune.kernel.route.RouteRule;
import dev.tcptune.kernel.timing.TcpTimings;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;

/**
 * Says what a profile's values mean in seconds and warns about the combinations that hurt in
 * production. Pure: the same profile and options always give the same explanation.
 */
public final class Explainer {

  /**
   * Initial SYN plus the first retransmission: a connect timeout below this survives no lost SYN.
   */
  private static final Duration FIRST_SYN_RETRY_DONE = Duration.ofSeconds(3);

  /** RFC 1122 4.2.3.5: R2 for data should correspond to at least 100 s. */
  private static final Duration RFC1122_R2 = Duration.ofSeconds(100);

  public Explanation explain(String profile, DesiredState desired, ExplainOptions options) {
    Map<String, String> values = desired.sysctls();
    OptionalInt routeFloor = desired.routeRules().stream().mapToInt(RouteRule::rtoMillis).min();
    TcpTimings t = TcpTimings.of(values, routeFloor);
    List<String> facts = new ArrayList<>();
    List<String> warnings = new ArrayList<>();

    facts.add(
        String.format(
            "connect() to a silent peer gives up after %s (%s SYN retries, 1 s initial RTO doubling)",
            human(t.connectGiveUp()), value(values, TunableCatalog.TCP_SYN_RETRIES.key())));
    facts.add(
        String.format(
            "a listener stops retransmitting SYN+ACK after %s (%s retries)",
            human(t.synAckGiveUp()), value(values, TunableCatalog.TCP_SYNACK_RETRIES.key())));
    facts.add(
        String.format(
            "a dead idle peer of a SO_KEEPALIVE socket is found after %s (%s + %s x %s s)",
            human(t.deadPeerDetection()),
            value(values, TunableCatalog.TCP_KEEPALIVE_TIME.key()),
            value(values, TunableCatalog.TCP_KEEPALIVE_PROBES.key()),
            value(values, TunableCatalog.TCP_KEEPALIVE_INTVL.key())));
    facts.add(
        String.format(
            "an established connection to a dead peer is dropped after about %s (%s retries, RTO floor %s%s)",
            human(t.establishedGiveUp()),
            value(values, TunableCatalog.TCP_RETRIES2.key()),
            human(t.rtoFloor()),
            routeFloor.isPresent() ? " on the tuned routes" : ""));
    facts.add(
        String.format(
            "an orphaned closing socket retransmits its FIN %d times, for about %s; FIN_WAIT2 orphans live %s",
            t.orphanRetries(), human(t.orphanGiveUp()), human(t.finWait2Timeout())));
    facts.add(
        String.format(
            "%d ephemeral ports / 60 s TIME_WAIT = at most %.0f new connections per second to one destination"
                + " without TIME_WAIT reuse (tcp_tw_reuse %s)",
            t.ephemeralPorts(),
            t.maxNewConnectionsPerSecondPerDestination(),
            value(values, TunableCatalog.TCP_TW_REUSE.key())));
    if (values.containsKey(TunableCatalog.SOMAXCONN.key())) {
      facts.add(
          "somaxconn is read at listen(): services that are already listening keep their old accept queue"
              + " until they restart");
    }
    if (values.containsKey(TunableCatalog.TCP_RTO_MIN_US.key())) {
      facts.add(
          "tcp_rto_min_us needs kernel 6.11 or later; older kernels report it as unsupported"
              + " (use rto.routes there)");
    }

    String orphan = values.get(TunableCatalog.TCP_ORPHAN_RETRIES.key());
    if (orphan != null && !orphan.equals("0") && Integer.parseInt(orphan) < 3) {
      warnings.add(
          String.format(
              "spec.retries.orphan %s is low: a closing socket gives up after about %s, and when"
                  + " its FIN is lost the peer stays half-open (CLOSE_WAIT); 7 keeps it about as long as TIME_WAIT",
              orphan, human(t.orphanGiveUp())));
    }
    if (t.establishedGiveUp().compareTo(RFC1122_R2) < 0) {
      warnings.add(
          String.format(
              "spec.retries.retries2 %s drops established connections after about %s, below the"
                  + " 100 s RFC 1122 asks for: a short network blip kills connections",
              value(values, TunableCatalog.TCP_RETRIES2.key()), human(t.establishedGiveUp())));
    }
    options
        .loadBalancerIdleTimeout()
        .ifPresent(
            idle -> {
              long time = Long.parseLong(value(values, TunableCatalog.TCP_KEEPALIVE_TIME.key()));
              if (time >= idle.toSeconds()) {
                warnings.add(
                    String.format(
                        "spec.keepalive.timeSeconds %d is not below the load balancer idle timeout %s:"
                            + " idle connections are cut before the first probe; use less than %d",
                        time, human(idle), idle.toSeconds()));
              }
            });
    options
        .appConnectTimeout()
        .ifPresent(
            connect -> {
              if (connect.compareTo(FIRST_SYN_RETRY_DONE) < 0) {
                warnings.add(
                    String.format(
                        "an application connect timeout of %s is shorter than the SYN retransmission"
                            + " schedule (1 s, then 2 s): one lost SYN fails the connect",
                        human(connect)));
              } else if (connect.compareTo(t.connectGiveUp()) > 0) {
                warnings.add(
                    String.format(
                        "the kernel gives up on connect() after %s, before the application's %s timeout",
                        human(t.connectGiveUp()), human(connect)));
              }
            });
    options
        .appReadTimeout()
        .ifPresent(
            read -> {
              Duration floor = t.rtoFloor().plus(t.rtoFloor().dividedBy(2));
              if (read.compareTo(floor) < 0) {
                warnings.add(
                    String.format(
                        "an application read timeout of %s is shorter than the RTO floor %s plus a round"
                            + " trip: one lost segment times the request out before TCP retransmits it",
                        human(read), human(t.rtoFloor())));
              }
            });
    return new Explanation(profile, t, facts, warnings);
  }

  private static String value(Map<String, String> values, String key) {
    return values.getOrDefault(
        key, TunableCatalog.standard().find(key).orElseThrow().kernelDefault());
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
