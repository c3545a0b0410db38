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
import dev.tcptune.testing.ControlPlane;
import dev.tcptune.testing.RealApiServer;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
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

    node.startAgent("--check-interval", "1s");

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
        .isEqualTo(
            Map.of(SOMAXCONN, "8192", KEEPALIVE_TIME, "60", PORT_RANGE, "20000 60999"));
    assertThat(loopbackRoute()).contains("rto_min lock 20ms");
    assertThat(hostValues(SOMAXCONN, KEEPALIVE_TIME, PORT_RANGE)).isEqualTo(host);
  }

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
    node.client()
        .resources(TcpNodeState.class)
        .withName(node.name())
        .edit(
            s -> {
              change.accept(s.getSpec());
              return s;
            });
  }

  private static EffectiveSetting setting(String key, String value, Mode mode) {
    return new EffectiveSetting(key, value, "agent-it", mode);
  }

  private static EffectiveRoute route(String destination, String rtoMin, Mode mode) {
    return new EffectiveRoute(destination, null, rtoMin, "agent-it", mode);
  }

  private void awaitStatus(Duration within, ThrowingConsumer<TcpNodeState> assertion) {
    try {
      await()
          .atMost(within)
          .pollInterval(Duration.ofMillis(200))
          .untilAsserted(
              () -> {
                TcpNodeState s = node.state();
                assertThat(s).isNotNull();
                assertThat(s.getStatus()).as("status").isNotNull();
                assertion.accept(s);
              });
    } catch (AssertionError | RuntimeException e) {
      throw new AssertionError(
          e.getMessage() + "\nstatus: " + statusYaml() + "\nagent logs:\n" + node.logs(), e);
    }
  }

  private String statusYaml() {
    TcpNodeState s = node.state();
    return s == null ? "<no object>" : io.fabric8.kubernetes.client.utils.Serialization.asYaml(s);
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

  private static Map<String, String> hostValues(String... keys) throws Exception {
    Map<String, String> values = new LinkedHashMap<>();
    for (String key : keys) {
      values.put(
          key,
          Files.readString(Path.of("/proc/sys", key.replace('.', '/')))
              .strip()
              .replaceAll("\\s+", " "));
    }
    return values;
  }

  private String loopbackRoute() {
    return netns.exec("ip", "-d", "route", "show", "table", "local", "127.0.0.1").stdout();
  }
}
