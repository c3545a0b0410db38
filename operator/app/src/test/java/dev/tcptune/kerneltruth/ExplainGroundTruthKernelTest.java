package dev.tcptune.kerneltruth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tcptune.cli.InProcessCli;
import dev.tcptune.kernel.testing.TestNetns;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Ground truth for {@code tcptune explain}: each case sets the kernel up in network namespaces the
 * test creates (a client and a peer joined by a veth pair, the peer made silent without RST or
 * ICMP), measures with real sockets when the kernel gives up, and asserts that the figure of {@code
 * explain -o json --netns CLIENT} for the same profile is within 10% of the measurement. Nothing
 * here computes the expected figure: the measurement is the expectation.
 *
 * <p>The cases are independent, so they start in {@code @BeforeAll} (each in its own pair of
 * namespaces, {@link #POOL} at a time, the longest first) and the whole class takes about as long
 * as the slowest case (FIN_WAIT2 with tcp_fin_timeout 75 s, about 30 s) plus start-up: about 40 s.
 * Cases that need a sysctl of a newer kernel (tcp_rto_min_us 6.11, tcp_rto_max_ms 6.15) or IPv6 are
 * skipped where the kernel lacks it.
 */
class ExplainGroundTruthKernelTest {

  private static final Duration PROBE_START = Duration.ofSeconds(30);
  private static final Map<String, CompletableFuture<Measurement>> RUNS = new ConcurrentHashMap<>();
  private static ExecutorService pool;
  private static Path profiles;

  /**
   * One case.
   *
   * @param measuredSeconds what the kernel did
   * @param explainedSeconds what explain said ("typical")
   * @param json explain's figure, for the failure message
   */
  record Measurement(double measuredSeconds, double explainedSeconds, String json) {}

  /**
   * Concurrent cases. Each waits on the kernel most of the time, but starts two JVMs: more at once
   * would only queue them on a 2-core machine.
   */
  private static final int POOL = 14;

  private static final Path RTO_MAX_MS = Path.of("/proc/sys/net/ipv4/tcp_rto_max_ms");
  private static final Path RTO_MIN_US = Path.of("/proc/sys/net/ipv4/tcp_rto_min_us");
  private static final Path IPV6 = Path.of("/proc/sys/net/ipv6");

  private static final Map<String, String> RTO_MAX_1S = Map.of("net.ipv4.tcp_rto_max_ms", "1000");
  private static final Map<String, String> RTO_MIN_US_50MS =
      Map.of("net.ipv4.tcp_rto_min_us", "50000");

  @BeforeAll
  static void startEveryMeasurement() throws IOException {
    if (System.getenv("TCPTUNE_REQUIRE_KERNEL_TESTS") != null && !TestNetns.available()) {
      throw new IllegalStateException(
          "TCPTUNE_REQUIRE_KERNEL_TESTS is set but kernel tests cannot run: need root and iproute2");
    }
    assumeTrue(TestNetns.available(), "kernel tests need root and iproute2");
    profiles = Files.createTempDirectory("tcptune-truth");
    pool = Executors.newFixedThreadPool(POOL);
    // The longest first, so that the class takes about as long as the longest case.
    start("finwait2-75", () -> finWait2(22, 75));
    start("syn3", () -> connect(3, 3, null));
    start("syn3-linear2", () -> connect(11, 3, 2));
    start("syn3-linear0", () -> connect(10, 3, 0));
    start("synack3", () -> synAck(16, 3, Map.of()));
    startIf(RTO_MAX_MS, "synack3-rtomax1000", () -> synAck(27, 3, RTO_MAX_1S));
    start("keepalive-3-2-3", () -> keepalive(15, 3, 2, 3));
    start("syn2", () -> connect(2, 2, null));
    start("syn2-linear6", () -> connect(12, 2, 6));
    start("synack", () -> synAck(9, 2, Map.of()));
    start("retries2", () -> established(4, 3, Map.of(), null, false));
    startIf(RTO_MAX_MS, "retries2-rtomax1000", () -> established(17, 6, RTO_MAX_1S, null, false));
    startIf(RTO_MAX_MS, "orphan0-rtomax1000", () -> orphan(18, 0, RTO_MAX_1S));
    startIf(RTO_MAX_MS, "syn3-linear0-rtomax1000", () -> connectRtoMax(19, 3, 0));
    startIf(IPV6, "ipv6-syn2", () -> connectIpv6(20, 2));
    startIf(IPV6, "ipv6-retries2-rto50", () -> established(21, 3, Map.of(), "50ms", true));
    start("finwait2", () -> finWait2(8, 5));
    start("keepalive", () -> keepalive(6, 2, 1, 2));
    start("retries2-rto50", () -> established(5, 3, Map.of(), "50ms", false));
    startIf(
        RTO_MIN_US, "retries2-rtominus50", () -> established(13, 3, RTO_MIN_US_50MS, null, false));
    startIf(
        RTO_MIN_US,
        "retries2-rto200-rtominus50",
        () -> established(14, 3, RTO_MIN_US_50MS, "200ms", false));
    start("retries2-1", () -> established(23, 1, Map.of(), null, false));
    start("retries2-2", () -> established(24, 2, Map.of(), null, false));
    start("retries2-1-rto500", () -> established(28, 1, Map.of(), "500ms", false));
    start("orphan", () -> orphan(7, 2, Map.of()));
    start("orphan1", () -> orphan(25, 1, Map.of()));
    start("synack1", () -> synAck(26, 1, Map.of()));
    start("syn1", () -> connect(1, 1, null));
  }

  @AfterAll
  static void stop() throws IOException {
    if (pool != null) {
      pool.shutdownNow();
    }
    if (profiles != null) {
      try (var files = Files.walk(profiles)) {
        files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }

  @Test
  void connectWithOneSynRetry() {
    assertWithinTenPercent("syn1");
  }

  @Test
  void connectWithTwoSynRetries() {
    assertWithinTenPercent("syn2");
  }

  @Test
  void connectWithThreeSynRetries() {
    assertWithinTenPercent("syn3");
  }

  @Test
  void connectWithThreeSynRetriesAndNoLinearTimeouts() {
    assertWithinTenPercent("syn3-linear0");
  }

  @Test
  void establishedGiveUpWithTheDefaultRtoFloor() {
    assertWithinTenPercent("retries2");
  }

  @Test
  void establishedGiveUpWithARouteRtoMinOf50ms() {
    assertWithinTenPercent("retries2-rto50");
  }

  @Test
  void keepaliveFindsTheDeadPeer() {
    assertWithinTenPercent("keepalive");
  }

  @Test
  void orphanedFinWait1GivesUp() {
    assertWithinTenPercent("orphan");
  }

  @Test
  void orphanedFinWait2Lifetime() {
    assertWithinTenPercent("finwait2");
  }

  @Test
  void halfOpenRequestIsDroppedAfterTheSynAckRetries() {
    assertWithinTenPercent("synack");
  }

  @Test
  void connectWithThreeSynRetriesAndTwoLinearTimeouts() {
    assertWithinTenPercent("syn3-linear2");
  }

  @Test
  void connectWithTwoSynRetriesAndSixLinearTimeouts() {
    assertWithinTenPercent("syn2-linear6");
  }

  @Test
  void connectWithTheRtoCeilingLoweredTo1s() {
    assertWithinTenPercent("syn3-linear0-rtomax1000");
  }

  @Test
  void connectOverIpv6() {
    assertWithinTenPercent("ipv6-syn2");
  }

  @Test
  void establishedGiveUpWithTcpRtoMinUs50ms() {
    assertWithinTenPercent("retries2-rtominus50");
  }

  @Test
  void establishedGiveUpWithARouteRtoMinAboveTcpRtoMinUsTheRouteWins() {
    assertWithinTenPercent("retries2-rto200-rtominus50");
  }

  @Test
  void establishedGiveUpWithRetries2Of1() {
    assertWithinTenPercent("retries2-1");
  }

  @Test
  void establishedGiveUpWithRetries2Of1AndARouteRtoMinAbove200ms() {
    assertWithinTenPercent("retries2-1-rto500");
  }

  @Test
  void establishedGiveUpWithRetries2Of2() {
    assertWithinTenPercent("retries2-2");
  }

  @Test
  void establishedGiveUpWithTheRtoCeilingLoweredTo1s() {
    assertWithinTenPercent("retries2-rtomax1000");
  }

  @Test
  void establishedGiveUpOverIpv6WithARouteRtoMin() {
    assertWithinTenPercent("ipv6-retries2-rto50");
  }

  @Test
  void keepaliveWithOtherIntervalAndProbes() {
    assertWithinTenPercent("keepalive-3-2-3");
  }

  @Test
  void orphanedFinWait1WithOneRetry() {
    assertWithinTenPercent("orphan1");
  }

  @Test
  void orphanedFinWait1WithZeroRetriesAndTheRtoCeilingLoweredTo1s() {
    assertWithinTenPercent("orphan0-rtomax1000");
  }

  @Test
  void orphanedFinWait2LifetimeAboveTheTimeWaitLength() {
    assertWithinTenPercent("finwait2-75");
  }

  @Test
  void halfOpenRequestIsDroppedAfterOneSynAckRetry() {
    assertWithinTenPercent("synack1");
  }

  @Test
  void halfOpenRequestWithTheRtoCeilingLoweredTo1s() {
    assertWithinTenPercent("synack3-rtomax1000");
  }

  @Test
  void halfOpenRequestIsDroppedAfterThreeSynAckRetries() {
    assertWithinTenPercent("synack3");
  }

  private static void start(String name, Supplier<Measurement> run) {
    RUNS.put(name, CompletableFuture.supplyAsync(run, pool));
  }

  /** Starts the case when this kernel has {@code needed} (a sysctl or /proc/sys directory). */
  private static void startIf(Path needed, String name, Supplier<Measurement> run) {
    if (Files.exists(needed)) {
      start(name, run);
    }
  }

  private static void assertWithinTenPercent(String name) {
    assumeTrue(RUNS.containsKey(name), name + " needs a newer kernel or IPv6");
    Measurement m = RUNS.get(name).orTimeout(240, TimeUnit.SECONDS).join();
    System.out.printf(
        "ground truth %-26s measured %7.3f s, explain %7.3f s (%+.1f%%)%n",
        name,
        m.measuredSeconds(),
        m.explainedSeconds(),
        100 * (m.explainedSeconds() - m.measuredSeconds()) / m.measuredSeconds());
    assertThat(m.explainedSeconds())
        .as("%s: explain said %s, the kernel took %.3f s", name, m.json(), m.measuredSeconds())
        .isBetween(m.measuredSeconds() * 0.9, m.measuredSeconds() * 1.1);
  }

  // --- the cases -------------------------------------------------------------------------------

  /**
   * connect() to a silent peer, tcp_syn_retries N, tcp_syn_linear_timeouts as the namespace has it
   * (the kernel default) or as given.
   */
  private static Measurement connect(int subnet, int synRetries, Integer linearTimeouts) {
    try (NetnsLab lab = new NetnsLab(subnet)) {
      return measureConnect(lab, synRetries, linearTimeouts, lab.peerIp());
    }
  }

  /**
   * connect() with the RTO ceiling of the namespace lowered to 1 s (tcp_rto_max_ms, 6.15+): the
   * SYN's RTO stops doubling at once, and the time budget of tcp_syn_retries is capped per step.
   */
  private static Measurement connectRtoMax(int subnet, int synRetries, Integer linearTimeouts) {
    try (NetnsLab lab = new NetnsLab(subnet)) {
      lab.sysctl(lab.client(), "net.ipv4.tcp_rto_max_ms", "1000");
      return measureConnect(lab, synRetries, linearTimeouts, lab.peerIp());
    }
  }

  /** connect() to a silent IPv6 peer (tcp_v6_connect, the same timers). */
  private static Measurement connectIpv6(int subnet, int synRetries) {
    try (NetnsLab lab = new NetnsLab(subnet, true)) {
      return measureConnect(lab, synRetries, null, lab.peerIp6());
    }
  }

  private static Measurement measureConnect(
      NetnsLab lab, int synRetries, Integer linearTimeouts, String peer) {
    lab.sysctl(lab.client(), "net.ipv4.tcp_syn_retries", String.valueOf(synRetries));
    String profile = "retries:\n    syn: " + synRetries;
    if (linearTimeouts != null) {
      lab.sysctl(lab.client(), "net.ipv4.tcp_syn_linear_timeouts", String.valueOf(linearTimeouts));
      profile += "\n    synLinearTimeouts: " + linearTimeouts;
    }
    lab.silenceClientToPeer();
    JsonNode figure = explain(lab.client(), profile, "connectGiveUp");
    NetnsLab.Probe probe = lab.probe(lab.client(), "connect", peer, "7000");
    String failed = probe.await("failed", Duration.ofSeconds(60));
    return measurement(millisOf(failed) / 1000.0, figure);
  }

  /**
   * Unanswered data on an established connection: tcp_retries2 as given, other sysctls of the
   * client's namespace as given (set before the connection, as sockets take tcp_rto_min_us and
   * tcp_rto_max_ms when they are created), optionally a route rto_min; over IPv6 when asked.
   * Sysctls of the profile's catalog go into the profile too, so explain sees them either way.
   */
  private static Measurement established(
      int subnet, int retries2, Map<String, String> sysctls, String rtoMin, boolean ipv6) {
    try (NetnsLab lab = new NetnsLab(subnet, ipv6)) {
      lab.sysctl(lab.client(), "net.ipv4.tcp_retries2", String.valueOf(retries2));
      sysctls.forEach((k, v) -> lab.sysctl(lab.client(), k, v));
      // A profile may not go below 3 (validation): explain then takes the namespace's value, and
      // the profile sets retries1 to its default instead (a profile must set something).
      String profile = "retries:\n    " + (retries2 >= 3 ? "retries2: " + retries2 : "retries1: 3");
      String rto = "";
      String minUs = sysctls.get("net.ipv4.tcp_rto_min_us");
      if (minUs != null) {
        rto += "\n    minMicroseconds: " + minUs;
      }
      if (rtoMin != null) {
        if (ipv6) {
          lab.clientRouteRtoMin6(rtoMin);
        } else {
          lab.clientRouteRtoMin(rtoMin);
        }
        rto +=
            "\n    routes:\n      - destination: "
                + (ipv6 ? lab.subnet6() : lab.subnet())
                + "\n        rtoMin: "
                + rtoMin;
      }
      if (!rto.isEmpty()) {
        profile += "\n  rto:" + rto;
      }
      JsonNode figure = explain(lab.client(), profile, "establishedGiveUp");
      peerServer(lab);
      NetnsLab.Probe probe =
          lab.probe(lab.client(), "data", ipv6 ? lab.peerIp6() : lab.peerIp(), "7000");
      probe.await("up", PROBE_START);
      // The client's delayed ACK of the last echo must reach the peer before the silence: an
      // unacknowledged peer keeps retransmitting, and every retransmission it gets through counts
      // as traffic received, which restarts the client's keepalive idle time.
      awaitPeerAcked(lab);
      lab.silenceClientToPeer();
      probe.send("go");
      String failed = probe.await("failed", Duration.ofSeconds(60));
      return measurement(millisOf(failed) / 1000.0, figure);
    }
  }

  /**
   * An idle connection whose peer goes silent, SO_KEEPALIVE turned on after the silence (no
   * TCP_USER_TIMEOUT): time, probes and interval as given.
   */
  private static Measurement keepalive(int subnet, int time, int intvl, int probes) {
    try (NetnsLab lab = new NetnsLab(subnet)) {
      lab.sysctl(lab.client(), "net.ipv4.tcp_keepalive_time", String.valueOf(time));
      lab.sysctl(lab.client(), "net.ipv4.tcp_keepalive_intvl", String.valueOf(intvl));
      lab.sysctl(lab.client(), "net.ipv4.tcp_keepalive_probes", String.valueOf(probes));
      JsonNode figure =
          explain(
              lab.client(),
              "keepalive:\n    timeSeconds: "
                  + time
                  + "\n    intervalSeconds: "
                  + intvl
                  + "\n    probes: "
                  + probes,
              "deadPeerDetection");
      peerServer(lab);
      NetnsLab.Probe probe = lab.probe(lab.client(), "keepalive", lab.peerIp(), "7000");
      probe.await("up", PROBE_START);
      // As in established(): the peer must have nothing left to retransmit.
      awaitPeerAcked(lab);
      lab.silenceClientToPeer();
      probe.send("go");
      String failed = probe.await("failed", Duration.ofSeconds(60));
      return measurement(millisOf(failed) / 1000.0, figure);
    }
  }

  /**
   * close() with the peer silent: the FIN is never acknowledged; tcp_orphan_retries as given, other
   * sysctls of the client's namespace as given (before the connection).
   */
  private static Measurement orphan(int subnet, int retries, Map<String, String> sysctls) {
    try (NetnsLab lab = new NetnsLab(subnet)) {
      lab.sysctl(lab.client(), "net.ipv4.tcp_orphan_retries", String.valueOf(retries));
      sysctls.forEach((k, v) -> lab.sysctl(lab.client(), k, v));
      JsonNode figure = explain(lab.client(), "retries:\n    orphan: " + retries, "orphanGiveUp");
      peerServer(lab);
      NetnsLab.Probe probe = lab.probe(lab.client(), "close", lab.peerIp(), "7000");
      probe.await("up", PROBE_START);
      // As in established(): a peer that still retransmits its last echo would reach the orphan.
      awaitPeerAcked(lab);
      lab.silenceClientToPeer();
      return measureClose(probe, "FIN-WAIT-1", figure, Duration.ofSeconds(60));
    }
  }

  /** close() with a peer that acknowledges the FIN but never closes: tcp_fin_timeout as given. */
  private static Measurement finWait2(int subnet, int finTimeout) {
    try (NetnsLab lab = new NetnsLab(subnet)) {
      lab.sysctl(lab.client(), "net.ipv4.tcp_fin_timeout", String.valueOf(finTimeout));
      JsonNode figure =
          explain(
              lab.client(), "timeWait:\n    finTimeoutSeconds: " + finTimeout, "finWait2Lifetime");
      peerServer(lab);
      NetnsLab.Probe probe = lab.probe(lab.client(), "close", lab.peerIp(), "7000");
      probe.await("up", PROBE_START);
      awaitPeerAcked(lab);
      return measureClose(
          probe, "FIN-WAIT-2", figure, Duration.ofSeconds(Math.max(60, finTimeout + 15)));
    }
  }

  /**
   * A listener whose SYN+ACKs never arrive, tcp_synack_retries N, other sysctls of the listener's
   * namespace as given: from the client's only SYN (the first SYN+ACK answers it at once) to the
   * drop of the SYN_RECV request, seen by a probe in the listener's namespace; both probes report
   * CLOCK_MONOTONIC, so when the watcher first noticed the request does not count. The client
   * closes its socket right after the SYN: a retransmitted SYN would make the listener resend and
   * restart its timer.
   */
  private static Measurement synAck(int subnet, int synAckRetries, Map<String, String> sysctls) {
    try (NetnsLab lab = new NetnsLab(subnet)) {
      lab.sysctl(lab.peer(), "net.ipv4.tcp_synack_retries", String.valueOf(synAckRetries));
      sysctls.forEach((k, v) -> lab.sysctl(lab.peer(), k, v));
      JsonNode figure = explain(lab.peer(), "retries:\n    synAck: " + synAckRetries, "synAckDrop");
      peerServer(lab);
      lab.silencePeerToClient();
      NetnsLab.Probe watch = lab.probe(lab.peer(), "requests", "0.0.0.0", "7000");
      watch.await("watching", PROBE_START);
      String sent = lab.probe(lab.client(), "syn", lab.peerIp(), "7000").await("sent", PROBE_START);
      watch.await("seen", Duration.ofSeconds(5));
      String[] dropped = watch.await("dropped", Duration.ofSeconds(60)).split(" ");
      long from = Long.parseLong(sent.split(" ")[1]);
      double gone = (Long.parseLong(dropped[1]) - from) / 1e9;
      double lastSeen = (Long.parseLong(dropped[2]) - from) / 1e9;
      System.out.printf(
          "synack %d: last seen %.3f s, gone at %.3f s after the SYN%n",
          synAckRetries, lastSeen, gone);
      return measurement(gone, figure);
    }
  }

  // --- helpers ---------------------------------------------------------------------------------

  private static void peerServer(NetnsLab lab) {
    lab.probe(lab.peer(), "serve", "0.0.0.0", "7000").await("ready", PROBE_START);
  }

  /**
   * From close() until the client's socket is gone, as the probe saw it in the client's namespace;
   * it must pass {@code state}.
   */
  private static Measurement measureClose(
      NetnsLab.Probe probe, String state, JsonNode figure, Duration atMost) {
    probe.send("go");
    // The orphan lives for seconds; the probe reports when the kernel has dropped it.
    String gone = probe.await("gone", atMost);
    String[] f = gone.split(" ");
    List<String> states = f.length > 2 ? List.of(f[2].split(",")) : List.of();
    assertThat(states).as("states of the closed socket, from before close() on").contains(state);
    return measurement(Long.parseLong(f[1]) / 1000.0, figure);
  }

  /** Until the peer has no unacknowledged data on its established connection. */
  private static void awaitPeerAcked(NetnsLab lab) {
    await()
        .atMost(Duration.ofSeconds(5))
        .pollInterval(Duration.ofMillis(20))
        .until(() -> everyEstablishedAcked(lab.sockets(lab.peer())));
  }

  /** True when the namespace has established sockets and none has unacknowledged data. */
  private static boolean everyEstablishedAcked(List<String> sockets) {
    List<String[]> established =
        sockets.stream()
            .filter(l -> l.startsWith("ESTAB"))
            .map(l -> l.trim().split("\\s+"))
            .toList();
    return !established.isEmpty() && established.stream().allMatch(f -> f[2].equals("0"));
  }

  private static long millisOf(String failedLine) {
    return Long.parseLong(failedLine.split(" ")[1]);
  }

  private static Measurement measurement(double measured, JsonNode figure) {
    return new Measurement(measured, figure.path("typical").asDouble(), figure.toString());
  }

  /**
   * Runs {@code tcptune explain -f PROFILE -o json --netns NS} in process, as a user would, and
   * returns {@code timings.FIGURE}.
   */
  private static JsonNode explain(String netns, String spec, String figure) {
    try {
      Path file = Files.createTempFile(profiles, "truth", ".yaml");
      Files.writeString(
          file,
          "apiVersion: tcptune.dev/v1alpha1\nkind: TcpProfile\nmetadata:\n  name: ground-truth\n"
              + "spec:\n  nodeSelector: {}\n  "
              + spec
              + "\n");
      StringWriter out = new StringWriter();
      StringWriter err = new StringWriter();
      int exit =
          InProcessCli.run(
              out, err, "explain", "-f", file.toString(), "-o", "json", "--netns", netns);
      assertThat(exit).as("explain exit code; stderr: %s", err).isZero();
      JsonNode json = new ObjectMapper().readTree(out.toString());
      assertThat(json.path("basis").path("source").asText()).contains(netns);
      return json.path("timings").path(figure);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
