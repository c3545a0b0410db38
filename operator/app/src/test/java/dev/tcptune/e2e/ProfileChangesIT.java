package dev.tcptune.e2e;

import static dev.tcptune.e2e.E2eCluster.FIN_TIMEOUT;
import static dev.tcptune.e2e.E2eCluster.KEEPALIVE_INTVL;
import static dev.tcptune.e2e.E2eCluster.KEEPALIVE_TIME;
import static dev.tcptune.e2e.E2eCluster.POOL;
import static dev.tcptune.e2e.E2eCluster.SOMAXCONN;
import static dev.tcptune.e2e.E2eCluster.WAIT;
import static dev.tcptune.e2e.E2eCluster.WITHIN_ONE_CHECK;
import static org.assertj.core.api.Assertions.assertThat;

import dev.tcptune.agent.AgentNode;
import dev.tcptune.api.v1alpha1.EffectiveSetting;
import dev.tcptune.api.v1alpha1.NodeRouteStatus;
import dev.tcptune.api.v1alpha1.SettingState;
import dev.tcptune.api.v1alpha1.TcpNodeState;
import dev.tcptune.kernel.testing.TestNetns;
import dev.tcptune.testing.ControlPlane;
import dev.tcptune.testing.RealApiServer;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * End to end, what happens when profiles change: an edited profile converges, two profiles that
 * select the same nodes merge by priority (a tie is a Conflict), and a route's {@code rto_min} is
 * set, corrected after the route is replaced, and restored to the exact original route. One
 * operator and three nodes (agents in their own network namespaces) serve every test: {@code web1}
 * and {@code web2} in pool {@code web}, {@code batch} in pool {@code batch}. Each node has a route
 * to {@value #ROUTE_DST} through a veth pair inside its namespace. After each test every node must
 * be exactly as before it: sysctls and IPv4 routes. Root only.
 */
@Tag("kernel")
@RealApiServer
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ProfileChangesIT {

  private static final String WEB_SELECTOR = "nodeSelector: {matchLabels: {" + POOL + ": web}}";

  /** The route tuned by the rto_min test; the same device name in every node's namespace. */
  private static final String ROUTE_DST = "10.96.0.0/16";

  private static final String ROUTE_DEV = "e2e0";

  private static final List<String> ROUTE =
      List.of(ROUTE_DST, "via", "10.77.0.1", "dev", ROUTE_DEV, "proto", "static", "metric", "50");

  @RegisterExtension static final TestNetns WEB1 = TestNetns.perClass();
  @RegisterExtension static final TestNetns WEB2 = TestNetns.perClass();
  @RegisterExtension static final TestNetns BATCH = TestNetns.perClass();
  @TempDir static Path dir;

  private E2eCluster cluster;
  private AgentNode web1;
  private AgentNode web2;
  private AgentNode batch;
  private List<AgentNode> nodes;
  private final Map<String, String> routesBefore = new LinkedHashMap<>();

  @BeforeAll
  void start(KubernetesClient client, ControlPlane controlPlane) throws Exception {
    for (TestNetns netns : List.of(WEB1, WEB2, BATCH)) {
      // Both ends of the veth stay inside the namespace: the host gets no link and no route.
      netns.exec("ip", "link", "add", ROUTE_DEV, "type", "veth", "peer", "name", "e2e1");
      netns.exec("ip", "addr", "add", "10.77.0.2/24", "dev", ROUTE_DEV);
      netns.exec("ip", "link", "set", ROUTE_DEV, "up");
      netns.exec("ip", "link", "set", "e2e1", "up");
      netns.exec(concat(List.of("ip", "route", "add"), ROUTE));
    }
    cluster = E2eCluster.start(client, controlPlane, "e2e-changes");
    web1 = cluster.addNode(WEB1, dir, "web");
    web2 = cluster.addNode(WEB2, dir, "web");
    batch = cluster.addNode(BATCH, dir, "batch");
    nodes = List.of(web1, web2, batch);
    for (AgentNode node : nodes) {
      routesBefore.put(node.name(), routes(node));
      E2eCluster.startAgent(node);
    }
  }

  @AfterAll
  void stop() throws Exception {
    if (cluster != null) {
      cluster.close();
    }
  }

  /**
   * Deleting the profiles must give every node back exactly what it had: the next test needs it.
   */
  @AfterEach
  void restoreEveryNode() {
    cluster.deleteProfiles();
    cluster.awaitAsserted(
        WAIT,
        () -> {
          for (AgentNode node : nodes) {
            assertThat(E2eCluster.values(node)).as(node.name()).isEqualTo(cluster.before(node));
            assertThat(routes(node)).as(node.name()).isEqualTo(routesBefore.get(node.name()));
          }
        });
  }

  @Test
  void anEditedProfileConvergesOnEverySelectedNode() {
    cluster.profile(
        "chg-update",
        WEB_SELECTOR,
        "listenQueue: {somaxconn: 8192}",
        "keepalive: {timeSeconds: 60}");
    cluster.awaitApplied("chg-update", web1, web2);
    long first = cluster.get("chg-update").getMetadata().getGeneration();
    for (AgentNode node : List.of(web1, web2)) {
      assertThat(E2eCluster.values(node))
          .as(node.name())
          .isEqualTo(cluster.beforeWith(node, Map.of(SOMAXCONN, "8192", KEEPALIVE_TIME, "60")));
    }

    // The user edits it: another somaxconn, and the keepalive interval instead of the time.
    cluster.profile(
        "chg-update",
        WEB_SELECTOR,
        "listenQueue: {somaxconn: 4096}",
        "keepalive: {intervalSeconds: 15}");

    assertThat(cluster.get("chg-update").getMetadata().getGeneration()).isEqualTo(first + 1);
    cluster.awaitApplied("chg-update", web1, web2);
    for (AgentNode node : List.of(web1, web2)) {
      // The keepalive time the profile no longer sets is back to the node's original.
      assertThat(E2eCluster.values(node))
          .as(node.name())
          .isEqualTo(cluster.beforeWith(node, Map.of(SOMAXCONN, "4096", KEEPALIVE_INTVL, "15")));
    }
    var status = cluster.get("chg-update").getStatus();
    assertThat(status.getObservedGeneration()).isEqualTo(first + 1);
    assertThat(status.getRollout().getGeneration()).isEqualTo(first + 1);
    assertThat(status.getRollout().getDoneNodes()).isEqualTo(2);
    assertThat(cluster.condition("chg-update", "Progressing").getStatus()).isEqualTo("False");
    assertThat(E2eCluster.values(batch)).as("unselected").isEqualTo(cluster.before(batch));
  }

  @Test
  void theHigherPriorityWinsPerKeyAndTheLowerOneKeepsItsOtherKeys() {
    cluster.profile("prio-web", WEB_SELECTOR, "priority: 200", "listenQueue: {somaxconn: 8192}");
    cluster.profile(
        "prio-all",
        "nodeSelector: {matchExpressions: [{key: "
            + POOL
            + ", operator: In, values: [web, batch]}]}",
        "priority: 100",
        "listenQueue: {somaxconn: 2048}",
        "timeWait: {finTimeoutSeconds: 30}");

    cluster.awaitApplied("prio-web", web1, web2);
    cluster.awaitApplied("prio-all", web1, web2, batch);
    for (AgentNode node : List.of(web1, web2)) {
      assertThat(E2eCluster.values(node))
          .as(node.name())
          .isEqualTo(cluster.beforeWith(node, Map.of(SOMAXCONN, "8192", FIN_TIMEOUT, "30")));
      assertThat(sources(node.state()))
          .as("where each value of " + node.name() + " comes from")
          .containsExactly(Map.entry(SOMAXCONN, "prio-web"), Map.entry(FIN_TIMEOUT, "prio-all"));
    }
    assertThat(E2eCluster.values(batch))
        .isEqualTo(cluster.beforeWith(batch, Map.of(SOMAXCONN, "2048", FIN_TIMEOUT, "30")));
    for (String profile : List.of("prio-web", "prio-all")) {
      assertThat(cluster.condition(profile, "Conflict").getStatus()).as(profile).isEqualTo("False");
    }
  }

  @Test
  void equalPrioritiesPickTheFirstNameAndReportAConflict() {
    cluster.profile("tie-web", WEB_SELECTOR, "priority: 200", "listenQueue: {somaxconn: 8192}");
    cluster.profile(
        "tie-all",
        "nodeSelector: {matchExpressions: [{key: " + POOL + ", operator: Exists}]}",
        "priority: 100",
        "listenQueue: {somaxconn: 2048}");
    cluster.awaitApplied("tie-web", web1, web2);
    cluster.awaitApplied("tie-all", web1, web2, batch);
    assertThat(web1.sysctl(SOMAXCONN)).isEqualTo("8192");

    // Someone gives tie-all the same priority: tie-all sorts first and wins on the web nodes.
    cluster.profile(
        "tie-all",
        "nodeSelector: {matchExpressions: [{key: " + POOL + ", operator: Exists}]}",
        "priority: 200",
        "listenQueue: {somaxconn: 2048}");

    cluster.awaitApplied("tie-all", web1, web2, batch);
    cluster.awaitAsserted(
        WAIT,
        () -> {
          for (AgentNode node : nodes) {
            assertThat(node.sysctl(SOMAXCONN)).as(node.name()).isEqualTo("2048");
          }
          for (String profile : List.of("tie-web", "tie-all")) {
            Condition conflict = cluster.condition(profile, "Conflict");
            assertThat(conflict.getStatus()).as(profile).isEqualTo("True");
            assertThat(conflict.getReason()).isEqualTo("PriorityTie");
            assertThat(conflict.getMessage())
                .as(profile)
                .contains(
                    "node " + web1.name() + ": " + SOMAXCONN + " is set by tie-all and tie-web",
                    "node " + web2.name() + ": " + SOMAXCONN + " is set by tie-all and tie-web",
                    "tie-all wins")
                .doesNotContain(batch.name());
          }
          // One Event per profile for the tie, not one per node or per reconcile.
          for (String profile : List.of("tie-web", "tie-all")) {
            assertThat(cluster.events(profile))
                .as(profile)
                .filteredOn(e -> "Conflict".equals(e.getReason()))
                .singleElement()
                .satisfies(
                    e -> {
                      assertThat(e.getType()).isEqualTo("Warning");
                      assertThat(e.getMessage()).contains(SOMAXCONN, "tie-all", "tie-web");
                    });
          }
        });
    assertThat(sources(web1.state())).containsExactly(Map.entry(SOMAXCONN, "tie-all"));

    // The tie is resolved: tie-web is preferred again, the Conflict is gone.
    cluster.profile(
        "tie-all",
        "nodeSelector: {matchExpressions: [{key: " + POOL + ", operator: Exists}]}",
        "priority: 100",
        "listenQueue: {somaxconn: 2048}");
    cluster.awaitApplied("tie-all", web1, web2, batch);
    cluster.awaitAsserted(
        WAIT,
        () -> {
          assertThat(web1.sysctl(SOMAXCONN)).isEqualTo("8192");
          assertThat(web2.sysctl(SOMAXCONN)).isEqualTo("8192");
          assertThat(batch.sysctl(SOMAXCONN)).isEqualTo("2048");
          assertThat(cluster.condition("tie-web", "Conflict").getStatus()).isEqualTo("False");
          assertThat(cluster.condition("tie-all", "Conflict").getStatus()).isEqualTo("False");
        });
  }

  @Test
  void routeRtoMinIsSetCorrectedAfterAReplaceAndRestoredExactly() {
    cluster.profile(
        "rto-internal",
        WEB_SELECTOR,
        "rto: {routes: [{destination: "
            + ROUTE_DST
            + ", device: "
            + ROUTE_DEV
            + ", rtoMin: 20ms}]}");

    cluster.awaitApplied("rto-internal", web1, web2);
    for (AgentNode node : List.of(web1, web2)) {
      assertThat(routes(node)).as(node.name()).isEqualTo(tuned(routesBefore.get(node.name())));
      assertThat(node.state().getStatus().getRoutes())
          .singleElement()
          .satisfies(
              r -> {
                assertThat(r.getState()).isEqualTo(SettingState.APPLIED);
                assertThat(r.getDestination()).isEqualTo(ROUTE_DST);
              });
    }
    assertThat(routes(batch)).as("unselected").isEqualTo(routesBefore.get(batch.name()));
    long correctionsBefore = corrections(web1);

    // Another agent (a CNI plugin, a DHCP client) replaces the route and drops rto_min.
    WEB1.exec(concat(List.of("ip", "route", "replace"), ROUTE));

    cluster.awaitAsserted(
        WITHIN_ONE_CHECK,
        () -> assertThat(routes(web1)).isEqualTo(tuned(routesBefore.get(web1.name()))));
    cluster.awaitAsserted(
        WAIT,
        () -> {
          assertThat(corrections(web1)).isGreaterThan(correctionsBefore);
          NodeRouteStatus route = web1.state().getStatus().getRoutes().get(0);
          assertThat(route.getState()).isIn(SettingState.APPLIED, SettingState.IN_SYNC);
        });
    assertThat(routes(web2)).isEqualTo(tuned(routesBefore.get(web2.name())));
    // restoreEveryNode() checks that deleting the profile gives back the exact original routes.
  }

  @Test
  void aNarrowerRouteRuleWithPrecedenceSetsTheRouteAndABroaderOneCoversItOtherwise() {
    String broad = "rto: {routes: [{destination: " + ROUTE_DST + ", rtoMin: 30ms}]}";
    String narrow =
        "rto: {routes: [{destination: "
            + ROUTE_DST
            + ", device: "
            + ROUTE_DEV
            + ", rtoMin: 20ms}]}";
    cluster.profile("rto-broad", WEB_SELECTOR, "priority: 100", broad);
    cluster.profile("rto-narrow", WEB_SELECTOR, "priority: 200", narrow);

    // Both rules reach the nodes; the one for the device (and the higher priority) sets the route.
    cluster.awaitApplied("rto-broad", web1, web2);
    cluster.awaitApplied("rto-narrow", web1, web2);
    for (AgentNode node : List.of(web1, web2)) {
      assertThat(routes(node)).as(node.name()).isEqualTo(tuned(routesBefore.get(node.name()), 20));
      assertThat(node.state().getSpec().getRoutes()).hasSize(2);
    }
    assertThat(web1.state().getStatus().getRoutes())
        .filteredOn(r -> r.getDevice() == null)
        .singleElement()
        .satisfies(
            r -> {
              assertThat(r.getState()).isEqualTo(SettingState.IN_SYNC);
              assertThat(r.getMessage()).contains("set by a more specific rule");
            });

    // rto-broad gets precedence: its rule covers the route through the device, rto-narrow's goes.
    cluster.profile("rto-narrow", WEB_SELECTOR, "priority: 50", narrow);
    cluster.awaitApplied("rto-narrow", web1, web2);
    cluster.awaitAsserted(
        WAIT,
        () -> {
          for (AgentNode node : List.of(web1, web2)) {
            assertThat(routes(node))
                .as(node.name())
                .isEqualTo(tuned(routesBefore.get(node.name()), 30));
            assertThat(node.state().getSpec().getRoutes())
                .singleElement()
                .satisfies(r -> assertThat(r.getProfile()).isEqualTo("rto-broad"));
          }
        });
    // The route moving to rto-broad is a new report for rto-broad too: its status follows the
    // nodes' reports, so wait for it as a user would.
    cluster.awaitAsserted(
        WAIT,
        () -> {
          for (String profile : List.of("rto-broad", "rto-narrow")) {
            assertThat(cluster.condition(profile, "Ready").getStatus())
                .as(profile)
                .isEqualTo("True");
            assertThat(cluster.condition(profile, "Conflict").getStatus())
                .as(profile)
                .isEqualTo("False");
          }
        });
  }

  // --- helpers -------------------------------------------------------------------------------

  /**
   * The namespace's IPv4 routes of every table, as {@code ip -4 -d route show table all} prints
   * them. IPv6 is left out: its link-local routes come and go on their own while addresses finish
   * duplicate address detection, and no test rule touches IPv6.
   */
  private static String routes(AgentNode node) {
    return netnsOf(node).exec("ip", "-4", "-d", "route", "show", "table", "all").stdout();
  }

  private static TestNetns netnsOf(AgentNode node) {
    for (TestNetns netns : List.of(WEB1, WEB2, BATCH)) {
      if (node.name().endsWith(netns.name())) {
        return netns;
      }
    }
    throw new AssertionError("no namespace for " + node.name());
  }

  /** {@code table} with rto_min 20 ms on the tuned route, and nothing else changed. */
  private static String tuned(String table) {
    return tuned(table, 20);
  }

  /** {@code table} with {@code rtoMin} ms on the tuned route, and nothing else changed. */
  private static String tuned(String table, int rtoMin) {
    String prefix = "unicast " + ROUTE_DST + " ";
    assertThat(table.lines().filter(l -> l.startsWith(prefix))).hasSize(1);
    // ip prints each route with a trailing space, metrics last.
    return table
        .lines()
        .map(l -> l.startsWith(prefix) ? l + "rto_min lock " + rtoMin + "ms " : l)
        .collect(Collectors.joining("\n", "", "\n"));
  }

  private static long corrections(AgentNode node) {
    Long n = node.state().getStatus().getDriftCorrections();
    return n == null ? 0 : n;
  }

  /** Each key of the node's spec, with the profile it comes from. */
  private static Map<String, String> sources(TcpNodeState state) {
    Map<String, String> sources = new LinkedHashMap<>();
    for (EffectiveSetting s : state.getSpec().getSettings()) {
      sources.put(s.getKey(), s.getProfile());
    }
    return sources;
  }

  private static String[] concat(List<String> head, List<String> tail) {
    return Stream.concat(head.stream(), tail.stream()).toArray(String[]::new);
  }
}
