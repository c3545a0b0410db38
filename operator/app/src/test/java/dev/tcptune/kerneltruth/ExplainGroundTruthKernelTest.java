package dev.tcptune.kerneltruth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tcptune.cli.TcpTuneCommand;
import dev.tcptune.kernel.testing.TestNetns;
import java.io.IOException;
import java.io.PrintWriter;
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
 * <p>The cases are independent, so they all start at once in {@code @BeforeAll} (each in its own
 * pair of namespaces) and the whole class takes about as long as the slowest case (connect() with 3
 * SYN retries, about 20 s).
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

  @BeforeAll
  static void startEveryMeasurement() throws IOException {
    if (System.getenv("TCPTUNE_REQUIRE_KERNEL_TESTS") != null && !TestNetns.available()) {
      throw new IllegalStateException(
          "TCPTUNE_REQUIRE_KERNEL_TESTS is set but kernel tests cannot run: need root and iproute2");
    }
    assumeTrue(TestNetns.available(), "kernel tests need root and iproute2");
    profiles = Files.createTempDirectory("tcptune-truth");
    pool = Executors.newFixedThreadPool(12);
    start("syn1", () -> connect(1, 1, null));
    start("syn2", () -> connect(2, 2, null));
    start("syn3", () -> connect(3, 3, null));
    start("syn3-linear0", () -> connect(10, 3, 0));
    start("retries2", () -> established(4, null));
    start("retries2-rto50", () -> established(5, "50ms"));
    start("keepalive", () -> keepalive(6));
    start("orphan", () -> orphan(7));
    start("finwait2", () -> finWait2(8));
    start("synack", () -> synAck(9));
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

  private static void start(String name, Supplier<Measurement> run) {
    RUNS.put(name, CompletableFuture.supplyAsync(run, pool));
  }

  private static void assertWithinTenPercent(String name) {
    Measurement m = RUNS.get(name).orTimeout(90, TimeUnit.SECONDS).join();
    System.out.printf(
        "ground truth %-15s measured %7.3f s, explain %7.3f s (%+.1f%%)%n",
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
      lab.sysctl(lab.client(), "net.ipv4.tcp_syn_retries", String.valueOf(synRetries));
      String profile = "retries:\n    syn: " + synRetries;
      if (linearTimeouts != null) {
        lab.sysctl(
            lab.client(), "net.ipv4.tcp_syn_linear_timeouts", String.valueOf(linearTimeouts));
        profile += "\n    synLinearTimeouts: " + linearTimeouts;
      }
      lab.silenceClientToPeer();
      JsonNode figure = explain(lab.client(), profile, "connectGiveUp");
      NetnsLab.Probe probe = lab.probe(lab.client(), "connect", lab.peerIp(), "7000");
      String failed = probe.await("failed", Duration.ofSeconds(60));
      return measurement(millisOf(failed) / 1000.0, figure);
    }
  }

  /** Unanswered data on an established connection, tcp_retries2 3, optionally a route rto_min. */
  private static Measurement established(int subnet, String rtoMin) {
    try (NetnsLab lab = new NetnsLab(subnet)) {
      lab.sysctl(lab.client(), "net.ipv4.tcp_retries2", "3");
      String profile = "retries:\n    retries2: 3";
      if (rtoMin != null) {
        lab.clientRouteRtoMin(rtoMin);
        profile +=
            "\n  rto:\n    routes:\n      - destination: "
                + lab.subnet()
                + "\n        rtoMin: "
                + rtoMin;
      }
      JsonNode figure = explain(lab.client(), profile, "establishedGiveUp");
      peerServer(lab);
      NetnsLab.Probe probe = lab.probe(lab.client(), "data", lab.peerIp(), "7000");
      probe.await("up", PROBE_START);
      // The client's delayed ACK of the last echo must reach the peer before the silence: an
      // unacknowledged peer keeps retransmitting, and every retransmission it gets through counts
      // as traffic received, which restarts the client's keepalive idle time.
      await()
          .atMost(Duration.ofSeconds(5))
          .pollInterval(Duration.ofMillis(20))
          .until(() -> everyEstablishedAcked(lab.sockets(lab.peer())));
      lab.silenceClientToPeer();
      probe.send("go");
      String failed = probe.await("failed", Duration.ofSeconds(60));
      return measurement(millisOf(failed) / 1000.0, figure);
    }
  }

  /**
   * An idle connection whose peer goes silent, SO_KEEPALIVE turned on after the silence: time 2 s,
   * 2 probes 1 s apart.
   */
  private static Measurement keepalive(int subnet) {
    try (NetnsLab lab = new NetnsLab(subnet)) {
      lab.sysctl(lab.client(), "net.ipv4.tcp_keepalive_time", "2");
      lab.sysctl(lab.client(), "net.ipv4.tcp_keepalive_intvl", "1");
      lab.sysctl(lab.client(), "net.ipv4.tcp_keepalive_probes", "2");
      JsonNode figure =
          explain(
              lab.client(),
              "keepalive:\n    timeSeconds: 2\n    intervalSeconds: 1\n    probes: 2",
              "deadPeerDetection");
      peerServer(lab);
      NetnsLab.Probe probe = lab.probe(lab.client(), "keepalive", lab.peerIp(), "7000");
      probe.await("up", PROBE_START);
      // The client's delayed ACK of the last echo must reach the peer before the silence: an
      // unacknowledged peer keeps retransmitting, and every retransmission it gets through counts
      // as traffic received, which restarts the client's keepalive idle time.
      await()
          .atMost(Duration.ofSeconds(5))
          .pollInterval(Duration.ofMillis(20))
          .until(() -> everyEstablishedAcked(lab.sockets(lab.peer())));
      lab.silenceClientToPeer();
      probe.send("go");
      String failed = probe.await("failed", Duration.ofSeconds(60));
      return measurement(millisOf(failed) / 1000.0, figure);
    }
  }

  /** close() with the peer silent: the FIN is never acknowledged, tcp_orphan_retries 2. */
  private static Measurement orphan(int subnet) {
    try (NetnsLab lab = new NetnsLab(subnet)) {
      lab.sysctl(lab.client(), "net.ipv4.tcp_orphan_retries", "2");
      JsonNode figure = explain(lab.client(), "retries:\n    orphan: 2", "orphanGiveUp");
      peerServer(lab);
      NetnsLab.Probe probe = lab.probe(lab.client(), "close", lab.peerIp(), "7000");
      probe.await("up", PROBE_START);
      lab.silenceClientToPeer();
      return measureClose(probe, "FIN-WAIT-1", figure);
    }
  }

  /** close() with a peer that acknowledges the FIN but never closes: tcp_fin_timeout 5. */
  private static Measurement finWait2(int subnet) {
    try (NetnsLab lab = new NetnsLab(subnet)) {
      lab.sysctl(lab.client(), "net.ipv4.tcp_fin_timeout", "5");
      JsonNode figure =
          explain(lab.client(), "timeWait:\n    finTimeoutSeconds: 5", "finWait2Lifetime");
      peerServer(lab);
      NetnsLab.Probe probe = lab.probe(lab.client(), "close", lab.peerIp(), "7000");
      probe.await("up", PROBE_START);
      return measureClose(probe, "FIN-WAIT-2", figure);
    }
  }

  /**
   * A listener whose SYN+ACKs never arrive, tcp_synack_retries 2: from the client's SYN to the drop
   * of the SYN_RECV request. The client's own SYN retransmissions would restart the listener's
   * timer, so the client is silenced as soon as its first SYN has arrived (its first retransmission
   * is due 1 s later).
   */
  private static Measurement synAck(int subnet) {
    try (NetnsLab lab = new NetnsLab(subnet)) {
      lab.sysctl(lab.peer(), "net.ipv4.tcp_synack_retries", "2");
      JsonNode figure = explain(lab.peer(), "retries:\n    synAck: 2", "synAckDrop");
      peerServer(lab);
      lab.silencePeerToClient();
      NetnsLab.Probe client = lab.probe(lab.client(), "connect", lab.peerIp(), "7000");
      client.await("connecting", PROBE_START);
      // The SYN leaves right after this line; the first SYN+ACK follows within a millisecond.
      long synSent = System.nanoTime();
      await()
          .atMost(Duration.ofSeconds(5))
          .pollInterval(Duration.ofMillis(10))
          .until(() -> hasState(lab.sockets(lab.peer()), "SYN-RECV"));
      lab.silenceClientToPeer();
      assertThat(Duration.ofNanos(System.nanoTime() - synSent))
          .as("the client must be silenced before its first SYN retransmission (1 s)")
          .isLessThan(Duration.ofMillis(900));
      await()
          .atMost(Duration.ofSeconds(60))
          .pollInterval(Duration.ofMillis(25))
          .until(() -> !hasState(lab.sockets(lab.peer()), "SYN-RECV"));
      return measurement((System.nanoTime() - synSent) / 1e9, figure);
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
  private static Measurement measureClose(NetnsLab.Probe probe, String state, JsonNode figure) {
    probe.send("go");
    // The orphan lives for seconds; the probe reports when the kernel has dropped it.
    String gone = probe.await("gone", Duration.ofSeconds(60));
    String[] f = gone.split(" ");
    List<String> states = f.length > 2 ? List.of(f[2].split(",")) : List.of();
    assertThat(states).as("states of the closed socket, from before close() on").contains(state);
    return measurement(Long.parseLong(f[1]) / 1000.0, figure);
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

  private static boolean hasState(List<String> sockets, String state) {
    return sockets.stream().anyMatch(l -> l.startsWith(state));
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
      var cli = TcpTuneCommand.commandLine();
      cli.setOut(new PrintWriter(out));
      cli.setErr(new PrintWriter(err));
      int exit = cli.execute("explain", "-f", file.toString(), "-o", "json", "--netns", netns);
      assertThat(exit).as("explain exit code; stderr: %s", err).isZero();
      JsonNode json = new ObjectMapper().readTree(out.toString());
      assertThat(json.path("basis").path("source").asText()).contains(netns);
      return json.path("timings").path(figure);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
