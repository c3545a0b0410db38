package dev.tcptune.kernel.apply;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tcptune.kernel.catalog.KernelVersion;
import dev.tcptune.kernel.catalog.Tunable;
import dev.tcptune.kernel.catalog.TunableCatalog;
import dev.tcptune.kernel.catalog.Unit;
import dev.tcptune.kernel.route.IpRouteTable;
import dev.tcptune.kernel.route.Route;
import dev.tcptune.kernel.route.RouteRule;
import dev.tcptune.kernel.sysctl.ProcSysctlStore;
import dev.tcptune.kernel.sysctl.SysctlStore;
import dev.tcptune.kernel.testing.TestNetns;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.function.Function;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every value the API server admits is one the kernel takes: a profile made of the catalog's (and
 * so the CRD's, see CrdMatchesCatalogTest) lowest or highest value for every key, and a route
 * rto_min at either end of 1ms..1s, applies in full in a real network namespace, reads back as
 * written and restores exactly. No accepted edge half-applies a node.
 */
@Tag("kernel")
class AdmissionBoundsKernelTest {

  @RegisterExtension final TestNetns netns = new TestNetns();

  private final TunableCatalog catalog = TunableCatalog.standard();
  private final KernelVersion kernel = KernelVersion.running();

  /** The port range at its edges too: one port (low == high), both ends equal parity or not. */
  private static final Map<String, String> PORT_RANGES =
      Map.of(
          "lowest",
          "1024 1024",
          "highest",
          "65535 65535",
          "widest",
          "1024 65535",
          "same-parity",
          "1024 1026");

  private Map<String, String> profile(String edge) {
    Function<Tunable, Long> end = edge.equals("highest") ? Tunable::max : Tunable::min;
    Map<String, String> profile = new LinkedHashMap<>();
    for (Tunable t : catalog.all()) {
      if (!t.isSupportedOn(kernel)) {
        continue;
      }
      String value =
          t.unit() == Unit.PORT_RANGE ? PORT_RANGES.get(edge) : String.valueOf(end.apply(t));
      assertThat(catalog.validate(t.key(), value)).as(t.key() + "=" + value).isEmpty();
      profile.put(t.key(), value);
    }
    return profile;
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"lowest", "highest", "widest", "same-parity"})
  void everyKeyAtItsAdmittedEdgeAppliesInFullAndRestores(String edge) {
    SysctlStore store = ProcSysctlStore.forNamespace(netns.namespace(), netns.runner());
    Map<String, Optional<String>> before = new LinkedHashMap<>();
    catalog.all().forEach(t -> before.put(t.key(), store.read(t.key())));
    Map<String, String> profile = profile(edge);

    InMemoryOriginalsJournal journal = new InMemoryOriginalsJournal();
    IpRouteTable routes = new IpRouteTable(netns.runner(), netns.namespace());
    DesiredState desired = DesiredState.ofSysctls(profile);
    Plan plan = new TuningPlanner().plan(desired, store, routes, kernel);
    assertThat(plan.valid()).as("plan of %s", profile).isTrue();
    ApplyReport report = new TuningApplier(store, routes).apply(plan, journal);

    assertThat(report.settings())
        .allSatisfy(
            s ->
                assertThat(s.status())
                    .as("%s: %s", s.key(), s.message())
                    .isIn(SettingStatus.APPLIED, SettingStatus.IN_SYNC));
    profile.forEach((key, value) -> assertThat(store.read(key)).as(key).hasValue(value));
    assertThat(new TuningVerifier().verify(desired, store, routes, kernel).fullyApplied()).isTrue();

    assertThat(new TuningRestorer().restore(journal, store, routes).fullyApplied()).isTrue();
    catalog
        .all()
        .forEach(t -> assertThat(store.read(t.key())).as(t.key()).isEqualTo(before.get(t.key())));
  }

  @ParameterizedTest(name = "rto_min {0} ms")
  @ValueSource(
      ints = {TunableCatalog.ROUTE_RTO_MIN_MS_MIN, 999, TunableCatalog.ROUTE_RTO_MIN_MS_MAX})
  void routeRtoMinAtItsAdmittedEdgeApplies(int millis) {
    IpRouteTable routes = new IpRouteTable(netns.runner(), netns.namespace());
    SysctlStore store = ProcSysctlStore.forNamespace(netns.namespace(), netns.runner());
    String id = "local/127.0.0.1/32/lo";
    InMemoryOriginalsJournal journal = new InMemoryOriginalsJournal();
    DesiredState desired =
        DesiredState.of(
            Map.of(), List.of(new RouteRule("127.0.0.1", Optional.empty(), millis)), Mode.ENFORCE);

    Plan plan = new TuningPlanner().plan(desired, store, routes, kernel);
    ApplyReport report = new TuningApplier(store, routes).apply(plan, journal);

    assertThat(report.routes())
        .singleElement()
        .satisfies(r -> assertThat(r.status()).as(r.message()).isEqualTo(SettingStatus.APPLIED));
    assertThat(route(routes, id).rtoMinMillis()).isEqualTo(OptionalInt.of(millis));
    assertThat(new TuningRestorer().restore(journal, store, routes).fullyApplied()).isTrue();
    assertThat(route(routes, id).rtoMinMillis()).isEmpty();
  }

  /**
   * The one admitted value a node can refuse: a port range starting below the node's
   * ip_unprivileged_port_start (the kernel says EINVAL). The planner finds it before any write, so
   * the profile is refused whole with a message, not half-applied.
   */
  @org.junit.jupiter.api.Test
  void portRangeBelowTheNodesUnprivilegedPortStartIsRefusedBeforeAnyWrite() {
    SysctlStore store = ProcSysctlStore.forNamespace(netns.namespace(), netns.runner());
    netns.exec("sysctl", "-q", "-w", "net.ipv4.ip_unprivileged_port_start=4000");
    Optional<String> somaxconn = store.read("net.core.somaxconn");
    Optional<String> ports = store.read("net.ipv4.ip_local_port_range");
    Map<String, String> profile = new LinkedHashMap<>();
    profile.put("net.core.somaxconn", somaxconn.equals(Optional.of("8192")) ? "16384" : "8192");
    profile.put("net.ipv4.ip_local_port_range", "1024 2000");
    IpRouteTable routes = new IpRouteTable(netns.runner(), netns.namespace());
    InMemoryOriginalsJournal journal = new InMemoryOriginalsJournal();

    Plan plan = new TuningPlanner().plan(DesiredState.ofSysctls(profile), store, routes, kernel);
    ApplyReport report = new TuningApplier(store, routes).apply(plan, journal);

    assertThat(plan.valid()).isFalse();
    assertThat(plan.errors())
        .singleElement()
        .asString()
        .contains(
            "net.ipv4.ip_local_port_range: low port 1024 is below"
                + " net.ipv4.ip_unprivileged_port_start 4000 on this node",
            "allowed here: a low port of at least 4000");
    assertThat(report.settings()).noneMatch(s -> s.status() == SettingStatus.APPLIED);
    assertThat(store.read("net.core.somaxconn")).isEqualTo(somaxconn);
    assertThat(store.read("net.ipv4.ip_local_port_range")).isEqualTo(ports);
  }

  private static Route route(IpRouteTable routes, String id) {
    return routes.routes().stream()
        .filter(r -> r.id().equals(id))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no route " + id + " in " + routes.routes()));
  }
}
