package dev.tcptune.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.tcptune.api.v1alpha1.EffectiveRoute;
import dev.tcptune.api.v1alpha1.EffectiveSetting;
import dev.tcptune.api.v1alpha1.Mode;
import dev.tcptune.api.v1alpha1.NodeRouteStatus;
import dev.tcptune.api.v1alpha1.NodeSettingStatus;
import dev.tcptune.api.v1alpha1.OriginalValue;
import dev.tcptune.api.v1alpha1.SettingState;
import dev.tcptune.api.v1alpha1.TcpNodeState;
import dev.tcptune.api.v1alpha1.TcpNodeStateSpec;
import dev.tcptune.kernel.testing.TestNetns;
import dev.tcptune.localcluster.Java;
import dev.tcptune.testing.ControlPlane;
import dev.tcptune.testing.HostSysctls;
import dev.tcptune.testing.OnConflict;
import dev.tcptune.testing.RealApiServer;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.assertj.core.api.ThrowingConsumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code tcptune agent} run as a user runs it on a node, against a real API server, each node a
 * network namespace. Root only: {@link TestNetns} skips elsewhere (and fails in CI).
 */
@Tag("kernel")
@RealApiServer
class AgentIT {

  private static final String SOMAXCONN = "net.core.somaxconn";
  private static final String KEEPALIVE_TIME = "net.ipv4.tcp_keepalive_time";
  private static final String PORT_RANGE = "net.ipv4.ip_local_port_range";
  private static final String FIN_TIMEOUT = "net.ipv4.tcp_fin_timeout";
  private static final String LOOPBACK_ROUTE = "local/127.0.0.1/32/lo";

  /** Check interval of the agents under test; drift must be seen within it. */
  private static final Duration CHECK = Duration.ofSeconds(1);

  /** Time allowed for a JVM to start, connect and do its first check on a busy 2-core machine. */
  private static final Duration START = Duration.ofSeconds(90);

  @RegisterExtension final TestNetns netns = new TestNetns();
  @TempDir Path dir;
  private AgentNode node;

  @BeforeEach
  void setUp(ControlPlane controlPlane) throws Exception {
    node = new AgentNode(netns, controlPlane, dir);
  }

  @AfterEach
  void tearDown() throws Exception {
    if (node != null) {
      node.close();
    }
  }

  @Test
  void appliesTheSpecReportsOriginalsAndLeavesTheHostAlone() throws Exception {
    Map<String, String> host = hostValues(SOMAXCONN, KEEPALIVE_TIME, PORT_RANGE);
    Map<String, String> before = nsValues(SOMAXCONN, KEEPALIVE_TIME, PORT_RANGE);
    create(
        List.of(
            setting(SOMAXCONN, "8192", Mode.ENFORCE),
            setting(KEEPALIVE_TIME, "60", Mode.ENFORCE),
            setting(PORT_RANGE, "20000 60999", Mode.ENFORCE)),
        List.of(route("127.0.0.1", "20ms", Mode.ENFORCE)));

    Process agent = node.startAgent("--check-interval", "1s");

    awaitStatus(
        START,
        s -> {
          assertThat(condition(s, "Applied")).extracting(Condition::getStatus).isEqualTo("True");
          assertThat(s.getStatus().getObservedGeneration()).isEqualTo(1L);
          assertThat(s.getStatus().getSettings())
              .extracting(
                  NodeSettingStatus::getKey,
                  NodeSettingStatus::getState,
                  NodeSettingStatus::getOriginal)
              .containsExactly(
                  org.assertj.core.groups.Tuple.tuple(
                      SOMAXCONN, SettingState.APPLIED, before.get(SOMAXCONN)),
                  org.assertj.core.groups.Tuple.tuple(
                      KEEPALIVE_TIME, SettingState.APPLIED, before.get(KEEPALIVE_TIME)),
                  org.assertj.core.groups.Tuple.tuple(
                      PORT_RANGE, SettingState.APPLIED, before.get(PORT_RANGE)));
          assertThat(s.getStatus().getRoutes())
              .singleElement()
              .satisfies(
                  r -> {
                    assertThat(r.getRoute()).isEqualTo(LOOPBACK_ROUTE);
                    assertThat(r.getState()).isEqualTo(SettingState.APPLIED);
                    assertThat(r.getActual()).isEqualTo("20ms");
                    assertThat(r.getOriginal()).isEqualTo("unset");
                  });
          assertThat(s.getStatus().getOriginals())
              .extracting(v -> v.getKey() != null ? v.getKey() : v.getRoute())
              .containsExactlyInAnyOrder(SOMAXCONN, KEEPALIVE_TIME, PORT_RANGE, LOOPBACK_ROUTE);
          assertThat(s.getStatus().getSummary().getInSync()).isEqualTo(4);
          assertThat(s.getStatus().getKernelVersion())
              .isEqualTo(Files.readString(Path.of("/proc/sys/kernel/osrelease")).strip());
        });

    assertThat(nsValues(SOMAXCONN, KEEPALIVE_TIME, PORT_RANGE))
        .isEqualTo(Map.of(SOMAXCONN, "8192", KEEPALIVE_TIME, "60", PORT_RANGE, "20000 60999"));
    assertThat(loopbackRoute()).contains("rto_min lock 20ms");
    assertThat(hostValues(SOMAXCONN, KEEPALIVE_TIME, PORT_RANGE)).isEqualTo(host);

    // SIGTERM, as in a rolling update: the agent stops cleanly and restores nothing.
    AgentNode.stop(agent, false);
    assertThat(agent.exitValue()).as(node.logs()).isEqualTo(143);
    assertThat(node.logs()).contains("agent stopped; node values left as they are");
    assertThat(nsValues(SOMAXCONN, KEEPALIVE_TIME, PORT_RANGE))
        .isEqualTo(Map.of(SOMAXCONN, "8192", KEEPALIVE_TIME, "60", PORT_RANGE, "20000 60999"));
    assertThat(loopbackRoute()).contains("rto_min lock 20ms");
  }

  @Test
  void aKeyTheKernelLacksIsReportedAndTheOthersAreApplied() throws Exception {
    Map<String, String> before = nsValues(SOMAXCONN, KEEPALIVE_TIME);
    // The node's kernel has no net.core directory (so no somaxconn) for the agent.
    node.hideSysctlDirectory("net/core");
    create(
        List.of(
            setting(SOMAXCONN, "8192", Mode.ENFORCE), setting(KEEPALIVE_TIME, "60", Mode.ENFORCE)),
        List.of());

    node.startAgent("--check-interval", "1s");

    awaitStatus(
        START,
        s -> {
          Condition degraded = condition(s, "Degraded");
          assertThat(degraded.getStatus()).isEqualTo("True");
          assertThat(degraded.getReason()).isEqualTo("Unsupported");
          assertThat(degraded.getMessage()).contains(SOMAXCONN);
          assertThat(condition(s, "Applied").getStatus()).isEqualTo("False");
          assertThat(settingStatus(s, SOMAXCONN).orElseThrow().getState())
              .isEqualTo(SettingState.UNSUPPORTED);
          assertThat(settingStatus(s, KEEPALIVE_TIME).orElseThrow().getState())
              .isEqualTo(SettingState.APPLIED);
          assertThat(journaled(s, SOMAXCONN)).as("nothing written, nothing journaled").isEmpty();
        });
    assertThat(node.sysctl(KEEPALIVE_TIME)).isEqualTo("60");
    assertThat(node.sysctl(SOMAXCONN)).as("untouched").isEqualTo(before.get(SOMAXCONN));

    // The key leaves the spec: the rest is restored and the node is healthy again.
    editSpec(spec -> spec.setSettings(new ArrayList<>()));
    awaitStatus(
        WITHIN_ONE_CHECK.plusSeconds(10),
        s -> {
          assertThat(condition(s, "Degraded").getStatus()).isEqualTo("False");
          assertThat(s.getStatus().getSettings())
              .singleElement()
              .satisfies(
                  restored -> {
                    assertThat(restored.getKey()).isEqualTo(KEEPALIVE_TIME);
                    assertThat(restored.getState()).isEqualTo(SettingState.RESTORED);
                  });
        });
    assertThat(nsValues(SOMAXCONN, KEEPALIVE_TIME)).isEqualTo(before);
  }

  @Test
  void driftIsCorrectedInEnforceAndOnlyReportedInAudit() throws Exception {
    node.sysctlWrite(KEEPALIVE_TIME, "60");
    create(
        List.of(
            setting(SOMAXCONN, "8192", Mode.ENFORCE), setting(KEEPALIVE_TIME, "60", Mode.AUDIT)),
        List.of(route("127.0.0.1", "20ms", Mode.ENFORCE)));
    node.startAgent("--check-interval", "1s");
    awaitStatus(
        START,
        s -> {
          assertThat(condition(s, "Applied").getStatus()).isEqualTo("True");
          assertThat(condition(s, "Drifted").getStatus()).isEqualTo("False");
          assertThat(settingStatus(s, KEEPALIVE_TIME).orElseThrow().getState())
              .isEqualTo(SettingState.IN_SYNC);
        });

    // Another writer changes an Enforce key, replaces the route without rto_min, and changes
    // an Audit key, all at once.
    node.sysctlWrite(SOMAXCONN, "1024");
    netns.exec(
        "ip",
        "route",
        "replace",
        "local",
        "127.0.0.1",
        "dev",
        "lo",
        "table",
        "local",
        "proto",
        "kernel",
        "scope",
        "host",
        "src",
        "127.0.0.1");
    node.sysctlWrite(KEEPALIVE_TIME, "120");
    // No look at the route here: at a 1 s check interval the agent may have put rto_min back
    // already. Two corrections below say it found both Enforce entries drifted.

    awaitStatus(
        WITHIN_ONE_CHECK,
        s -> {
          assertThat(s.getStatus().getDriftCorrections()).isEqualTo(2L);
          assertThat(settingStatus(s, SOMAXCONN).orElseThrow().getActual()).isEqualTo("8192");
          assertThat(routeStatus(s, LOOPBACK_ROUTE).orElseThrow().getActual()).isEqualTo("20ms");
          NodeSettingStatus audited = settingStatus(s, KEEPALIVE_TIME).orElseThrow();
          assertThat(audited.getState()).isEqualTo(SettingState.DRIFTED);
          assertThat(audited.getActual()).isEqualTo("120");
          assertThat(condition(s, "Drifted").getStatus()).isEqualTo("True");
          assertThat(condition(s, "Drifted").getMessage()).contains(KEEPALIVE_TIME);
        });
    assertThat(node.sysctl(SOMAXCONN)).isEqualTo("8192");
    assertThat(loopbackRoute()).contains("rto_min lock 20ms");
    assertThat(node.sysctl(KEEPALIVE_TIME)).as("Audit never writes").isEqualTo("120");
    assertThat(journaled(node.state(), KEEPALIVE_TIME)).as("Audit never journals").isEmpty();
    assertThat(journaled(node.state(), SOMAXCONN).orElseThrow().getOriginal())
        .as("the other writer's value is not taken for an original")
        .isEqualTo("4096");
  }

  @Test
  void emptiedSpecRestoresOriginalsButKeepsAnotherWritersValue() throws Exception {
    Map<String, String> before = nsValues(SOMAXCONN, FIN_TIMEOUT, KEEPALIVE_TIME);
    create(
        List.of(
            setting(SOMAXCONN, "8192", Mode.ENFORCE),
            setting(FIN_TIMEOUT, "30", Mode.ENFORCE),
            setting(KEEPALIVE_TIME, "60", Mode.ENFORCE)),
        List.of(route("127.0.0.1", "20ms", Mode.ENFORCE)));
    // Only spec changes trigger a check here, so the other writer's change is not corrected
    // before the spec empties.
    node.startAgent("--check-interval", "1h");
    awaitStatus(START, s -> assertThat(condition(s, "Applied").getStatus()).isEqualTo("True"));

    node.sysctlWrite(FIN_TIMEOUT, "45");
    editSpec(
        spec -> {
          spec.setSettings(new ArrayList<>());
          spec.setRoutes(new ArrayList<>());
        });

    awaitStatus(
        Duration.ofSeconds(20),
        s -> {
          assertThat(s.getStatus().getObservedGeneration()).isEqualTo(2L);
          assertThat(settingStatus(s, SOMAXCONN).orElseThrow().getState())
              .isEqualTo(SettingState.RESTORED);
          assertThat(settingStatus(s, KEEPALIVE_TIME).orElseThrow().getState())
              .isEqualTo(SettingState.RESTORED);
          assertThat(routeStatus(s, LOOPBACK_ROUTE).orElseThrow().getState())
              .isEqualTo(SettingState.RESTORED);
          NodeSettingStatus conflict = settingStatus(s, FIN_TIMEOUT).orElseThrow();
          assertThat(conflict.getState()).isEqualTo(SettingState.CONFLICT);
          assertThat(conflict.getActual()).isEqualTo("45");
          assertThat(conflict.getMessage()).contains("45").contains("30");
          assertThat(condition(s, "Degraded").getReason()).isEqualTo("Conflict");
          assertThat(condition(s, "Applied").getReason()).isEqualTo("RestoreIncomplete");
        });
    assertThat(node.sysctl(SOMAXCONN)).isEqualTo(before.get(SOMAXCONN));
    assertThat(node.sysctl(KEEPALIVE_TIME)).isEqualTo(before.get(KEEPALIVE_TIME));
    assertThat(node.sysctl(FIN_TIMEOUT)).as("the other writer's value").isEqualTo("45");
    assertThat(loopbackRoute()).doesNotContain("rto_min");
  }

  @Test
  void deletedTcpNodeStateRestoresFromTheCopyOnTheNode() throws Exception {
    Map<String, String> before = nsValues(SOMAXCONN, KEEPALIVE_TIME);
    create(
        List.of(
            setting(SOMAXCONN, "8192", Mode.ENFORCE), setting(KEEPALIVE_TIME, "60", Mode.ENFORCE)),
        List.of(route("127.0.0.1", "20ms", Mode.ENFORCE)));
    node.startAgent("--check-interval", "1s");
    awaitStatus(START, s -> assertThat(condition(s, "Applied").getStatus()).isEqualTo("True"));

    // Deleting the object deletes its status, and the originals in it.
    node.client().resources(TcpNodeState.class).withName(node.name()).delete();

    await("originals restored from " + node.stateDir())
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () -> {
              assertThat(nsValues(SOMAXCONN, KEEPALIVE_TIME)).as(node.logs()).isEqualTo(before);
              assertThat(loopbackRoute()).doesNotContain("rto_min");
            });
  }

  @Test
  void trustsTheClusterCaAloneNotTheJvmsTrustStore() throws Exception {
    // The JVM's default trust store holds the API server's CA; the kubeconfig names another CA.
    // fabric8 by itself would trust both (it adds the kubeconfig's CA to the default store) and
    // connect; the agent trusts the kubeconfig's CA alone, as kubectl does, and is refused.
    String kubeconfig = Files.readString(node.kubeconfig());
    Matcher ca = Pattern.compile("certificate-authority: (\\S+)").matcher(kubeconfig);
    assertThat(ca.find()).as("the node's kubeconfig names its CA file").isTrue();
    KeyStore jvmTrust = KeyStore.getInstance("PKCS12");
    jvmTrust.load(null, null);
    try (InputStream in = Files.newInputStream(Path.of(ca.group(1)))) {
      jvmTrust.setCertificateEntry(
          "api-server-ca", CertificateFactory.getInstance("X.509").generateCertificate(in));
    }
    Path jvmTrustFile = dir.resolve("jvm-trust.p12");
    try (OutputStream out = Files.newOutputStream(jvmTrustFile)) {
      jvmTrust.store(out, "changeit".toCharArray());
    }
    Path withOtherCa =
        Files.writeString(
            dir.resolve("other-ca.yaml"), kubeconfig.replace(ca.group(1), otherCa().toString()));
    create(List.of(setting(SOMAXCONN, "8192", Mode.ENFORCE)), List.of());
    List<String> jvmOptions =
        List.of(
            "-Djavax.net.ssl.trustStore=" + jvmTrustFile,
            "-Djavax.net.ssl.trustStorePassword=changeit");

    Process refused = node.startAgent(withOtherCa, jvmOptions, "--check-interval", "1s");
    await("the agent refused by TLS")
        .atMost(START)
        .until(() -> node.logs().contains("watch failed") || !refused.isAlive());
    assertThat(node.logs()).contains("PKIX path");
    assertThat(node.state().getStatus())
        .as("nothing reported")
        .satisfiesAnyOf(
            status -> assertThat(status).isNull(),
            status -> assertThat(status.getConditions()).isEmpty());
    AgentNode.stop(refused, false);

    // The same JVM trust store with the right CA in the kubeconfig: connected.
    node.startAgent(node.kubeconfig(), jvmOptions, "--check-interval", "1s");
    awaitStatus(START, s -> assertThat(condition(s, "Applied").getStatus()).isEqualTo("True"));
  }

  /** A file with a CA certificate (PEM) that signed nothing the tests use. */
  private Path otherCa() throws Exception {
    Path keytool = Path.of(Java.binary()).resolveSibling("keytool");
    Path store = dir.resolve("other-ca.p12");
    ProcessResult made =
        run(
            keytool.toString(),
            "-genkeypair",
            "-alias",
            "other",
            "-keyalg",
            "EC",
            "-dname",
            "CN=not-the-cluster-ca",
            "-ext",
            "bc:c",
            "-validity",
            "2",
            "-storetype",
            "PKCS12",
            "-keystore",
            store.toString(),
            "-storepass",
            "changeit");
    assertThat(made.exitCode()).as(made.output()).isZero();
    ProcessResult pem =
        run(
            keytool.toString(),
            "-exportcert",
            "-rfc",
            "-alias",
            "other",
            "-keystore",
            store.toString(),
            "-storepass",
            "changeit");
    assertThat(pem.exitCode()).as(pem.output()).isZero();
    return Files.writeString(
        dir.resolve("other-ca.crt"), pem.output().substring(pem.output().indexOf("-----BEGIN")));
  }

  private record ProcessResult(int exitCode, String output) {}

  private static ProcessResult run(String... command) throws Exception {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    return new ProcessResult(p.waitFor(), output);
  }

  @Test
  void statusIsNotWrittenWhenNothingChanges() throws Exception {
    create(List.of(setting(SOMAXCONN, "8192", Mode.ENFORCE)), List.of());
    node.startAgent("--check-interval", "1s", "--stats-interval", "3s", "--heartbeat", "1h");
    awaitStatus(START, s -> assertThat(condition(s, "Applied").getStatus()).isEqualTo("True"));
    // Let the writes of the first apply (journal, status, first and second socket sample) pass.
    awaitStatus(
        Duration.ofSeconds(30),
        s -> assertThat(s.getStatus().getSockets().getRetransSegsPerSecond()).isNotNull());

    AtomicInteger writes = new AtomicInteger();
    try (Watch watch =
        node.client()
            .resources(TcpNodeState.class)
            .withName(node.name())
            .watch(
                new Watcher<>() {
                  @Override
                  public void eventReceived(Action action, TcpNodeState resource) {
                    if (action == Action.MODIFIED) {
                      writes.incrementAndGet();
                    }
                  }

                  @Override
                  public void onClose(WatcherException cause) {}
                })) {
      // 8 checks and at most 3 statistics samples: a write only if the statistics moved.
      await()
          .during(Duration.ofSeconds(8))
          .atMost(Duration.ofSeconds(10))
          .until(() -> writes.get() <= 3);
    }
    System.out.printf("[agent-it] status writes in 8 s of an idle node: %d%n", writes.get());
  }

  @Test
  void specThatSlippedPastAdmissionWritesNothing(ControlPlane controlPlane) throws Exception {
    String corePattern = Files.readString(Path.of("/proc/sys/kernel/core_pattern"));
    Map<String, String> before = nsValues(SOMAXCONN);
    controlPlane.withoutSpecSchema(
        "tcpnodestates.tcptune.dev",
        () ->
            create(
                List.of(
                    setting("kernel.core_pattern", "|/bin/sh -c id", Mode.ENFORCE),
                    setting(SOMAXCONN, "8192", Mode.ENFORCE)),
                List.of()));
    node.startAgent("--check-interval", "1s");

    awaitStatus(
        START,
        s -> {
          NodeSettingStatus bad = settingStatus(s, "kernel.core_pattern").orElseThrow();
          assertThat(bad.getState()).isEqualTo(SettingState.INVALID);
          assertThat(bad.getMessage()).contains("unknown key").contains("net.core.somaxconn");
          assertThat(condition(s, "Applied").getReason()).isEqualTo("Invalid");
          assertThat(condition(s, "Degraded").getReason()).isEqualTo("Invalid");
          assertThat(s.getStatus().getOriginals()).isEmpty();
        });
    assertThat(Files.readString(Path.of("/proc/sys/kernel/core_pattern"))).isEqualTo(corePattern);
    assertThat(nsValues(SOMAXCONN)).as("nothing partial").isEqualTo(before);
  }

  @Test
  void killedInTheMiddleOfALargeApplyKeepsEveryOriginal() throws Exception {
    String device = netns.addVeth("10.77.0.1/24");
    List<EffectiveRoute> routes = new ArrayList<>();
    for (int i = 0; i < TcpNodeStateSpec.MAX_ROUTES - 1; i++) {
      netns.exec("ip", "route", "add", "10.200." + i + ".0/24", "dev", device);
      routes.add(route("10.200." + i + ".0/24", "30ms", Mode.ENFORCE));
    }
    routes.add(route("127.0.0.1", "20ms", Mode.ENFORCE));
    List<EffectiveSetting> settings = new ArrayList<>();
    Map<String, String> tuned = LARGE_SPEC;
    tuned.forEach((key, value) -> settings.add(setting(key, value, Mode.ENFORCE)));
    Map<String, String> before = nsValues(tuned.keySet().toArray(String[]::new));
    // IPv4 only: an IPv6 link-local route of the veth appears whenever its address is ready.
    String routesBefore = netns.exec("ip", "-4", "-d", "route", "show", "table", "all").stdout();
    create(settings, routes);

    Process first = node.startAgent("--check-interval", "1s");
    // Routes are changed one `ip route change` at a time, in rule order, after the sysctls: the
    // first one changed means the apply is under way.
    await("the first route changed")
        .atMost(START)
        .pollInterval(Duration.ofMillis(10))
        .until(
            () -> netns.exec("ip", "route", "show", "10.200.0.0/24").stdout().contains("rto_min"));
    AgentNode.stop(first, true);
    long routesDone =
        netns
            .exec("ip", "route", "show")
            .stdout()
            .lines()
            .filter(l -> l.contains("rto_min"))
            .count();
    long sysctlsDone =
        tuned.entrySet().stream().filter(e -> node.sysctl(e.getKey()).equals(e.getValue())).count();
    System.out.printf(
        "[agent-it] SIGKILL mid-apply: %d of %d sysctls and %d of %d routes tuned%n",
        sysctlsDone, tuned.size(), routesDone, routes.size() - 1);

    node.startAgent("--check-interval", "1s");
    awaitStatus(
        START,
        s -> {
          assertThat(condition(s, "Applied").getStatus()).isEqualTo("True");
          assertThat(s.getStatus().getRoutes()).hasSize(routes.size());
          for (Map.Entry<String, String> e : before.entrySet()) {
            assertThat(journaled(s, e.getKey()).orElseThrow().getOriginal())
                .as("original of %s", e.getKey())
                .isEqualTo(e.getValue());
          }
          assertThat(s.getStatus().getOriginals())
              .filteredOn(v -> v.getRoute() != null)
              .hasSize(routes.size())
              .allSatisfy(v -> assertThat(v.getOriginal()).isEqualTo("unset"));
        });
    assertThat(nsValues(tuned.keySet().toArray(String[]::new))).isEqualTo(tuned);

    editSpec(
        spec -> {
          spec.setSettings(new ArrayList<>());
          spec.setRoutes(new ArrayList<>());
        });
    awaitStatus(
        Duration.ofSeconds(60),
        s -> {
          assertThat(condition(s, "Applied").getReason()).isEqualTo("Restored");
          assertThat(s.getStatus().getOriginals()).isEmpty();
        });
    assertThat(nsValues(tuned.keySet().toArray(String[]::new))).isEqualTo(before);
    assertThat(netns.exec("ip", "-4", "-d", "route", "show", "table", "all").stdout())
        .isEqualTo(routesBefore);
  }

  /** Every catalog key at a value other than the namespace default. */
  private static final Map<String, String> LARGE_SPEC =
      new LinkedHashMap<>(
          Map.ofEntries(
              Map.entry(SOMAXCONN, "8192"),
              Map.entry("net.ipv4.tcp_max_syn_backlog", "8000"),
              Map.entry("net.ipv4.tcp_tw_reuse", "1"),
              Map.entry(PORT_RANGE, "20000 60999"),
              Map.entry(FIN_TIMEOUT, "30"),
              Map.entry(KEEPALIVE_TIME, "60"),
              Map.entry("net.ipv4.tcp_keepalive_intvl", "10"),
              Map.entry("net.ipv4.tcp_keepalive_probes", "6"),
              Map.entry("net.ipv4.tcp_syn_retries", "3"),
              Map.entry("net.ipv4.tcp_synack_retries", "3"),
              Map.entry("net.ipv4.tcp_retries1", "4"),
              Map.entry("net.ipv4.tcp_retries2", "8"),
              Map.entry("net.ipv4.tcp_orphan_retries", "2"),
              Map.entry("net.ipv4.tcp_rto_min_us", "50000")));

  /**
   * Within one check interval, plus time for the check itself and for polling on a busy machine.
   */
  private static final Duration WITHIN_ONE_CHECK = CHECK.plusSeconds(3);

  // --- helpers -----------------------------------------------------------------------------

  private void create(List<EffectiveSetting> settings, List<EffectiveRoute> routes) {
    TcpNodeState state = new TcpNodeState();
    state.setMetadata(new ObjectMetaBuilder().withName(node.name()).build());
    TcpNodeStateSpec spec = new TcpNodeStateSpec();
    spec.setProfiles(List.of("agent-it"));
    spec.setSettings(new ArrayList<>(settings));
    spec.setRoutes(new ArrayList<>(routes));
    state.setSpec(spec);
    node.client().resources(TcpNodeState.class).resource(state).create();
  }

  private void editSpec(Consumer<TcpNodeStateSpec> change) {
    OnConflict.retry(
        () ->
            node.client()
                .resources(TcpNodeState.class)
                .withName(node.name())
                .edit(
                    s -> {
                      change.accept(s.getSpec());
                      return s;
                    }));
  }

  private static EffectiveSetting setting(String key, String value, Mode mode) {
    return new EffectiveSetting(key, value, "agent-it", mode);
  }

  private static EffectiveRoute route(String destination, String rtoMin, Mode mode) {
    return new EffectiveRoute(destination, null, rtoMin, "agent-it", mode);
  }

  private void awaitStatus(Duration within, ThrowingConsumer<TcpNodeState> assertion) {
    node.awaitStatus(within, assertion);
  }

  private static Condition condition(TcpNodeState s, String type) {
    return s.getStatus().getConditions().stream()
        .filter(c -> type.equals(c.getType()))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no condition " + type));
  }

  private static Optional<NodeSettingStatus> settingStatus(TcpNodeState s, String key) {
    return s.getStatus().getSettings().stream().filter(x -> key.equals(x.getKey())).findFirst();
  }

  private static Optional<NodeRouteStatus> routeStatus(TcpNodeState s, String id) {
    return s.getStatus().getRoutes().stream().filter(x -> id.equals(x.getRoute())).findFirst();
  }

  private static Optional<OriginalValue> journaled(TcpNodeState s, String keyOrRoute) {
    return s.getStatus().getOriginals().stream()
        .filter(v -> keyOrRoute.equals(v.getKey()) || keyOrRoute.equals(v.getRoute()))
        .findFirst();
  }

  private Map<String, String> nsValues(String... keys) {
    Map<String, String> values = new LinkedHashMap<>();
    for (String key : keys) {
      values.put(key, node.sysctl(key));
    }
    return values;
  }

  private static Map<String, String> hostValues(String... keys) {
    return HostSysctls.values(java.util.List.of(keys));
  }

  private String loopbackRoute() {
    return netns.exec("ip", "-d", "route", "show", "table", "local", "127.0.0.1").stdout();
  }
}
