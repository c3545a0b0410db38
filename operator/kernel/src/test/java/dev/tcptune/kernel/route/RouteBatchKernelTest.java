package dev.tcptune.kernel.route;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tcptune.kernel.apply.AppliedPlan;
import dev.tcptune.kernel.apply.ApplyReport;
import dev.tcptune.kernel.apply.DesiredState;
import dev.tcptune.kernel.apply.InMemoryOriginalsJournal;
import dev.tcptune.kernel.apply.Mode;
import dev.tcptune.kernel.apply.Plan;
import dev.tcptune.kernel.apply.RouteResult;
import dev.tcptune.kernel.apply.SettingStatus;
import dev.tcptune.kernel.apply.TuningApplier;
import dev.tcptune.kernel.apply.TuningPlanner;
import dev.tcptune.kernel.apply.TuningVerifier;
import dev.tcptune.kernel.catalog.KernelVersion;
import dev.tcptune.kernel.exec.CommandRunner;
import dev.tcptune.kernel.sysctl.InMemorySysctlStore;
import dev.tcptune.kernel.testing.TestNetns;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Several routes of both families changed by real {@code ip -batch} processes in a namespace: one
 * batch per family, one route deleted between plan and apply failing alone (named, with the
 * kernel's message) while the others are applied, read back and verified without listing again.
 */
@Tag("kernel")
class RouteBatchKernelTest {

  private static final List<String> V4 = List.of("10.31.0.0/24", "10.32.0.0/24", "10.33.0.0/24");
  private static final List<String> V6 = List.of("fd31::/64", "fd32::/64", "fd33::/64");

  @RegisterExtension final TestNetns netns = new TestNetns();

  private final List<List<String>> processes = new ArrayList<>();
  private IpRouteTable table;

  @BeforeEach
  void routes() {
    CommandRunner counting = RouteFixtures.recording(netns, processes);
    table = new IpRouteTable(counting, netns.namespace());
    RouteFixtures.addRoutes(netns, 30, V4, V6);
    netns.exec(
        "ip", "route", "change", V4.get(2), "via", "10.30.0.2", "dev", "b0", "rto_min", "90ms");
  }

  @Test
  void oneBatchPerFamilyAndADeletedRouteFailsAloneWhileTheOthersAreAppliedAndVerified() {
    List<RouteRule> rules = new ArrayList<>();
    V4.forEach(dst -> rules.add(RouteRule.to(dst, 20)));
    V6.forEach(dst -> rules.add(RouteRule.to(dst, 30)));
    DesiredState desired = DesiredState.of(Map.of(), rules, Mode.ENFORCE);
    InMemorySysctlStore store = new InMemorySysctlStore();
    KernelVersion kernel = KernelVersion.running();
    InMemoryOriginalsJournal journal = new InMemoryOriginalsJournal();
    Plan plan = new TuningPlanner().plan(desired, store, table, kernel);
    assertThat(processes).hasSize(2); // one listing per family

    // Gone between plan and apply, as when a CNI plugin or DHCP client replaces routes.
    netns.exec("ip", "route", "del", V4.get(1));
    netns.exec("ip", "-6", "route", "del", V6.get(0));
    processes.clear();
    AppliedPlan applied = new TuningApplier(store, table).applyAndReadBack(plan, journal);

    assertThat(processes)
        .as("one ip -batch per family, nothing else")
        .hasSize(2)
        .allSatisfy(argv -> assertThat(argv).containsSequence("-d", "-force", "-batch", "-"));
    ApplyReport report = applied.report();
    for (String gone : List.of(V4.get(1), V6.get(0))) {
      RouteResult failed = RouteFixtures.result(report, gone);
      assertThat(failed.status()).isEqualTo(SettingStatus.FAILED);
      assertThat(failed.message())
          .contains(failed.routeId().orElseThrow(), "refused", "line ")
          // The kernel's own words: IPv4 answers ENOENT, IPv6 with an extended ack.
          .containsAnyOf("No such file or directory", "no match found");
      assertThat(failed.actual()).isEmpty();
    }
    for (String dst : List.of(V4.get(0), V4.get(2), V6.get(1), V6.get(2))) {
      RouteResult ok = RouteFixtures.result(report, dst);
      assertThat(ok.status()).as(ok.message()).isEqualTo(SettingStatus.APPLIED);
      int wanted = dst.contains(":") ? 30 : 20;
      assertThat(ok.actual()).isEqualTo(OptionalInt.of(wanted));
      assertThat(RouteFixtures.line(netns, dst)).contains("rto_min lock " + wanted + "ms");
    }
    assertThat(RouteFixtures.line(netns, V4.get(0))).contains("via 10.30.0.2", "mtu lock 1400");
    assertThat(RouteFixtures.line(netns, V6.get(1))).contains("via fd30::2", "metric 77");
    assertThat(applied.routesReadBack())
        .hasValueSatisfying(
            s -> assertThat(s.covers(java.util.EnumSet.allOf(IpFamily.class))).isTrue());

    processes.clear();
    ApplyReport verified =
        new TuningVerifier().verifyAfter(applied, desired, store, table, kernel, journal);
    assertThat(processes).as("the verifier reuses the batches' read-back").isEmpty();
    assertThat(verified.routes())
        .filteredOn(r -> r.routeId().isPresent())
        .hasSize(4)
        .allSatisfy(r -> assertThat(r.status()).as(r.message()).isEqualTo(SettingStatus.IN_SYNC));
    ApplyReport listedAgain = new TuningVerifier().verify(desired, store, table, kernel, journal);
    assertThat(listedAgain.routes()).isEqualTo(verified.routes());
  }

  @Test
  void aChangeTheKernelRefusesInTheMiddleOfABatchLeavesTheLinesAfterItApplied() throws Exception {
    List<Route> routes =
        table.routes(java.util.EnumSet.of(IpFamily.INET)).stream()
            .filter(r -> V4.contains(r.dst()))
            .toList();
    assertThat(routes).hasSize(3);
    // The middle route's device disappears: its change line fails in the kernel, not in ip.
    netns.exec("ip", "route", "del", routes.get(1).dst());
    processes.clear();

    RouteChanges changes =
        table.setRtoMin(routes.stream().map(r -> new RouteChange(r, OptionalInt.of(25))).toList());

    assertThat(processes).hasSize(1);
    assertThat(changes.outcome(routes.get(0)).readBack().orElseThrow().rtoMinMillis())
        .isEqualTo(OptionalInt.of(25));
    assertThat(changes.outcome(routes.get(2)).readBack().orElseThrow().rtoMinMillis())
        .isEqualTo(OptionalInt.of(25));
    assertThat(changes.outcome(routes.get(1)).error())
        .hasValueSatisfying(e -> assertThat(e).contains(routes.get(1).id(), "25ms", "No such"));
    assertThat(changes.readBack().orElseThrow().routes())
        .noneMatch(r -> r.id().equals(routes.get(1).id()));

    // And back, the single-route form being a batch of one.
    table.setRtoMin(changes.outcome(routes.get(0)).readBack().orElseThrow(), OptionalInt.empty());
    assertThat(RouteFixtures.line(netns, routes.get(0).dst()))
        .doesNotContain("rto_min")
        .contains("mtu lock 1400");
  }
}
