package dev.tcptune.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.tcptune.api.v1alpha1.EffectiveRoute;
import dev.tcptune.api.v1alpha1.EffectiveSetting;
import dev.tcptune.api.v1alpha1.Mode;
import dev.tcptune.api.v1alpha1.TcpNodeState;
import dev.tcptune.api.v1alpha1.TcpNodeStateSpec;
import dev.tcptune.kernel.catalog.KernelVersion;
import dev.tcptune.kernel.catalog.Tunable;
import dev.tcptune.kernel.catalog.TunableCatalog;
import dev.tcptune.kernel.testing.TestNetns;
import dev.tcptune.testing.ControlPlane;
import dev.tcptune.testing.HostSysctls;
import dev.tcptune.testing.OnConflict;
import dev.tcptune.testing.RealApiServer;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.assertj.core.api.ThrowingConsumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The agent as the DaemonSet runs it by default, without a container runtime: uid 0 holding
 * CAP_NET_ADMIN and no other capability (set with {@code setpriv}, for the agent and everything it
 * starts; also as another user with NET_ADMIN ambient), {@code /proc/sys} read-only and the host's
 * {@code /proc/sys/net} mounted writable elsewhere ({@link AgentContainer}), one network namespace
 * as the node, a real API server. It must apply and restore a full profile; without NET_ADMIN, or
 * without the writable mount, it must stop at start, naming what is missing, with nothing changed.
 */
@Tag("kernel")
@RealApiServer
class LeastPrivilegeAgentIT {

  /** The capability sets a DaemonSet with {@code drop: [ALL], add: [NET_ADMIN]} gives uid 0. */
  private static final List<String> NET_ADMIN_ONLY =
      List.of(
          "--inh-caps=-all,+net_admin",
          "--ambient-caps=-all,+net_admin",
          "--bounding-set=-all,+net_admin",
          "--no-new-privs");

  private static final List<String> NO_CAPABILITIES =
      List.of("--inh-caps=-all", "--ambient-caps=-all", "--bounding-set=-all", "--no-new-privs");

  /** CapEff of a process holding CAP_NET_ADMIN (12) alone. */
  private static final String CAP_EFF_NET_ADMIN = "0000000000001000";

  private static final Duration START = Duration.ofSeconds(90);

  @RegisterExtension final TestNetns netns = new TestNetns();
  @TempDir Path dir;
  private AgentNode node;
  private AgentContainer container;

  @BeforeEach
  void setUp(ControlPlane controlPlane) throws Exception {
    node = new AgentNode(netns, controlPlane, dir);
    container = new AgentContainer(dir.resolve("container"));
  }

  @AfterEach
  void tearDown() throws Exception {
    try {
      if (node != null) {
        node.close();
      }
    } finally {
      if (container != null) {
        container.close();
      }
    }
  }

  /** As the DaemonSet runs it (uid 0), and as a user other than root with NET_ADMIN ambient. */
  @ParameterizedTest(name = "uid {0}")
  @ValueSource(ints = {0, 65534})
  void withNetAdminAloneAppliesAndRestoresAFullProfile(int uid) throws Exception {
    Map<String, String> profile = everyCatalogKey();
    Map<String, String> before = nsValues(profile.keySet());
    Map<String, String> host = hostValues(profile.keySet());
    String routesBefore = routes();
    create(profile, List.of(new EffectiveRoute("127.0.0.1", null, "20ms", "lp-it", Mode.ENFORCE)));
    // The agent cannot write /proc/sys itself: only the mount it is pointed at.
    assertThat(container.run("test", "-w", "/proc/sys/net/core/somaxconn").exitCode())
        .as("/proc/sys is read-only in the container")
        .isEqualTo(1);

    List<String> setpriv = new ArrayList<>(NET_ADMIN_ONLY);
    if (uid != 0) {
      setpriv.addAll(List.of("--reuid=" + uid, "--regid=" + uid, "--clear-groups"));
      // The user must reach the kubeconfig and its certificates, and own the state directory.
      Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
      inlineCertificates(node.kubeconfig());
      Files.createDirectories(node.stateDir());
      Files.setAttribute(node.stateDir(), "unix:uid", uid);
    }
    Process agent = startAgent(setpriv, "--proc-sys", container.procSys().toString());
    // nsenter and setpriv exec each other and then the JVM: the started process becomes the agent.
    await("the agent JVM")
        .atMost(Duration.ofSeconds(30))
        .until(
            () -> Files.readString(Path.of("/proc", agent.pid() + "", "comm")).strip(),
            "java"::equals);
    assertThat(capEff(agent)).isEqualTo(CAP_EFF_NET_ADMIN);
    assertThat(Files.getAttribute(Path.of("/proc", String.valueOf(agent.pid())), "unix:uid"))
        .isEqualTo(uid);

    awaitStatus(
        START,
        s -> {
          assertThat(condition(s, "Applied").getStatus()).isEqualTo("True");
          assertThat(s.getStatus().getSummary().getInSync()).isEqualTo(profile.size() + 1);
          assertThat(s.getStatus().getOriginals()).hasSize(profile.size() + 1);
        });
    assertThat(nsValues(profile.keySet())).isEqualTo(profile);
    assertThat(loopbackRoute()).contains("rto_min lock 20ms");
    assertThat(hostValues(profile.keySet())).isEqualTo(host);

    OnConflict.retry(
        () ->
            node.client()
                .resources(TcpNodeState.class)
                .withName(node.name())
                .edit(
                    s -> {
                      s.getSpec().setSettings(new ArrayList<>());
                      s.getSpec().setRoutes(new ArrayList<>());
                      return s;
                    }));
    awaitStatus(
        Duration.ofSeconds(60),
        s -> {
          assertThat(condition(s, "Applied").getReason()).isEqualTo("Restored");
          assertThat(s.getStatus().getOriginals()).isEmpty();
        });
    assertThat(nsValues(profile.keySet())).isEqualTo(before);
    assertThat(routes()).isEqualTo(routesBefore);
    assertThat(agent.isAlive()).as(node.logs()).isTrue();
  }

  @Test
  void withoutNetAdminItStopsAtStartNamingTheCapability() throws Exception {
    Map<String, String> profile = everyCatalogKey();
    Map<String, String> before = nsValues(profile.keySet());
    String routesBefore = routes();
    create(profile, List.of(new EffectiveRoute("127.0.0.1", null, "20ms", "lp-it", Mode.ENFORCE)));

    Process agent = startAgent(NO_CAPABILITIES, "--proc-sys", container.procSys().toString());

    assertThat(agent.waitFor(START.toSeconds(), TimeUnit.SECONDS)).as("agent exits").isTrue();
    assertThat(agent.exitValue()).as(node.logs()).isEqualTo(2);
    assertThat(node.logs())
        .contains(
            "refusing to start: CAP_NET_ADMIN is missing", "this process has no capabilities");
    assertThat(nsValues(profile.keySet())).isEqualTo(before);
    assertThat(routes()).isEqualTo(routesBefore);
    assertNoStatusWritten();
  }

  @Test
  void withoutTheWritableMountItStopsAtStartNamingIt() throws Exception {
    Map<String, String> before = nsValues(List.of("net.core.somaxconn"));
    create(Map.of("net.core.somaxconn", "8192"), List.of());

    // NET_ADMIN, but the default --proc-sys: the container's read-only /proc/sys.
    Process agent = startAgent(NET_ADMIN_ONLY);

    assertThat(agent.waitFor(START.toSeconds(), TimeUnit.SECONDS)).as("agent exits").isTrue();
    assertThat(agent.exitValue()).as(node.logs()).isEqualTo(2);
    assertThat(node.logs())
        .contains(
            "refusing to start: --proc-sys: /proc/sys/net/core/somaxconn is not writable",
            "mount the host's /proc/sys/net writable");
    assertThat(nsValues(List.of("net.core.somaxconn"))).isEqualTo(before);
    assertNoStatusWritten();
  }

  // --- helpers -----------------------------------------------------------------------------

  private Process startAgent(List<String> setpriv, String... flags) throws Exception {
    List<String> all = new ArrayList<>(List.of("--check-interval", "1s"));
    all.addAll(List.of(flags));
    return node.startAgent(container.launcher(netns.name(), setpriv), all.toArray(String[]::new));
  }

  /**
   * A value other than the namespace default for every catalog key this kernel has; fails when the
   * catalog gains a key this test does not set.
   */
  private static Map<String, String> everyCatalogKey() {
    Map<String, String> values = new LinkedHashMap<>();
    values.put("net.core.somaxconn", "8192");
    values.put("net.ipv4.tcp_max_syn_backlog", "8000");
    values.put("net.ipv4.tcp_tw_reuse", "1");
    values.put("net.ipv4.ip_local_port_range", "20000 60999");
    values.put("net.ipv4.tcp_fin_timeout", "30");
    values.put("net.ipv4.tcp_keepalive_time", "60");
    values.put("net.ipv4.tcp_keepalive_intvl", "10");
    values.put("net.ipv4.tcp_keepalive_probes", "6");
    values.put("net.ipv4.tcp_syn_retries", "3");
    values.put("net.ipv4.tcp_syn_linear_timeouts", "2");
    values.put("net.ipv4.tcp_synack_retries", "3");
    values.put("net.ipv4.tcp_retries1", "4");
    values.put("net.ipv4.tcp_retries2", "8");
    values.put("net.ipv4.tcp_orphan_retries", "2");
    values.put("net.ipv4.tcp_rto_min_us", "50000");
    KernelVersion kernel = KernelVersion.running();
    List<String> supported =
        TunableCatalog.standard().all().stream()
            .filter(t -> t.isSupportedOn(kernel))
            .map(Tunable::key)
            .toList();
    values.keySet().retainAll(supported);
    assertThat(values.keySet()).containsExactlyInAnyOrderElementsOf(supported);
    return values;
  }

  private void create(Map<String, String> settings, List<EffectiveRoute> routes) {
    TcpNodeState state = new TcpNodeState();
    state.setMetadata(new ObjectMetaBuilder().withName(node.name()).build());
    TcpNodeStateSpec spec = new TcpNodeStateSpec();
    spec.setProfiles(List.of("lp-it"));
    List<EffectiveSetting> list = new ArrayList<>();
    settings.forEach((k, v) -> list.add(new EffectiveSetting(k, v, "lp-it", Mode.ENFORCE)));
    spec.setSettings(list);
    spec.setRoutes(new ArrayList<>(routes));
    state.setSpec(spec);
    node.client().resources(TcpNodeState.class).resource(state).create();
  }

  private void assertNoStatusWritten() {
    // The client reads an absent status as an empty one.
    var status = node.state().getStatus();
    if (status != null) {
      assertThat(status.getLastCheckTime()).as("status written").isNull();
      assertThat(status.getConditions()).as("status written").isEmpty();
    }
  }

  /** Replaces the kubeconfig's certificate and key paths (under /root) by their content. */
  private static void inlineCertificates(Path kubeconfig) throws Exception {
    Matcher m =
        Pattern.compile("(certificate-authority|client-certificate|client-key): *\"?([^\"\\s]+)\"?")
            .matcher(Files.readString(kubeconfig));
    StringBuilder inlined = new StringBuilder();
    while (m.find()) {
      String data = Base64.getEncoder().encodeToString(Files.readAllBytes(Path.of(m.group(2))));
      m.appendReplacement(inlined, m.group(1) + "-data: " + data);
    }
    m.appendTail(inlined);
    Files.writeString(kubeconfig, inlined.toString());
  }

  private static String capEff(Process process) throws Exception {
    return Files.readAllLines(Path.of("/proc", String.valueOf(process.pid()), "status")).stream()
        .filter(l -> l.startsWith("CapEff:"))
        .map(l -> l.substring("CapEff:".length()).strip())
        .findFirst()
        .orElseThrow();
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

  private Map<String, String> nsValues(Iterable<String> keys) {
    Map<String, String> values = new LinkedHashMap<>();
    keys.forEach(k -> values.put(k, node.sysctl(k)));
    return values;
  }

  private static Map<String, String> hostValues(Iterable<String> keys) {
    return HostSysctls.values(keys);
  }

  private String routes() {
    return netns.exec("ip", "-d", "route", "show", "table", "all").stdout();
  }

  private String loopbackRoute() {
    return netns.exec("ip", "-d", "route", "show", "table", "local", "127.0.0.1").stdout();
  }
}
