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
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The agent's route table: one real {@code ip -batch} process per family kept running in a
 * namespace and fed plan, apply and verify after one another. Each batch must be read as its own (a
 * failure numbered from the process's start maps to the right route), a dead ip is replaced, and
 * closing the table ends both processes.
 */
@Tag("kernel")
class KeptIpKernelTest {

  private static final List<String> V4 = List.of("10.41.0.0/24", "10.42.0.0/24");
  private static final List<String> V6 = List.of("fd41::/64", "fd42::/64");

  @RegisterExtension final TestNetns netns = new TestNetns();

  private final List<List<String>> processes = new ArrayList<>();
  private final InMemorySysctlStore sysctls = new InMemorySysctlStore();
  private final InMemoryOriginalsJournal journal = new InMemoryOriginalsJournal();
  private final KernelVersion kernel = KernelVersion.running();
  private IpSession session;
  private IpRouteTable table;

  @BeforeEach
  void routes() {
    CommandRunner counting = RouteFixtures.recording(netns, processes);
    session = new IpSession(netns.namespace(), Duration.ofSeconds(10));
    table = new IpRouteTable(counting, netns.namespace(), session);
    RouteFixtures.addRoutes(netns, 40, V4, V6);
  }

  @AfterEach
  void close() {
    table.close();
  }

  private DesiredState desired(int v4Millis, int v6Millis) {
    List<RouteRule> rules = new ArrayList<>();
    V4.forEach(dst -> rules.add(RouteRule.to(dst, v4Millis)));
    V6.forEach(dst -> rules.add(RouteRule.to(dst, v6Millis)));
    return DesiredState.of(Map.of(), rules, Mode.ENFORCE);
  }

  private ApplyReport applyAndVerify(DesiredState desired) {
    Plan plan = new TuningPlanner().plan(desired, sysctls, table, kernel);
    AppliedPlan applied = new TuningApplier(sysctls, table).applyAndReadBack(plan, journal);
    new TuningVerifier().verifyAfter(applied, desired, sysctls, table, kernel, journal);
    return applied.report();
  }

  private static boolean alive(OptionalLong pid) {
    return pid.isPresent()
        && ProcessHandle.of(pid.getAsLong()).map(ProcessHandle::isAlive).orElse(false);
  }

  @Test
  void roundAfterRoundGoesToTheSameTwoProcessesAndEachIsReadAsItsOwn() {
    OptionalLong v4 = OptionalLong.empty();
    OptionalLong v6 = OptionalLong.empty();
    for (int round = 1; round <= 3; round++) {
      int v4Millis = 10 * round;
      int v6Millis = 10 * round + 5;
      ApplyReport report = applyAndVerify(desired(v4Millis, v6Millis));

      for (String dst : V4) {
        assertThat(RouteFixtures.result(report, dst).status()).isEqualTo(SettingStatus.APPLIED);
        assertThat(RouteFixtures.line(netns, dst))
            .contains("rto_min lock " + v4Millis + "ms", "mtu lock 1400");
      }
      for (String dst : V6) {
        assertThat(RouteFixtures.result(report, dst).actual()).isEqualTo(OptionalInt.of(v6Millis));
        assertThat(RouteFixtures.line(netns, dst))
            .contains("rto_min lock " + v6Millis + "ms", "metric 77");
      }
      if (round == 1) {
        v4 = session.pid(IpFamily.INET);
        v6 = session.pid(IpFamily.INET6);
      }
      assertThat(session.pid(IpFamily.INET)).isEqualTo(v4);
      assertThat(session.pid(IpFamily.INET6)).isEqualTo(v6);
    }
    assertThat(alive(v4) && alive(v6)).isTrue();
    assertThat(v4).isNotEqualTo(v6);
    assertThat(processes).as("no process started besides the two kept ones").isEmpty();
  }

  @Test
  void aRouteDeletedBeforeALaterBatchFailsAloneWithTheKernelsWords() {
    applyAndVerify(desired(20, 30)); // the processes have read lines: numbers no longer start at 1
    Plan plan = new TuningPlanner().plan(desired(25, 35), sysctls, table, kernel);
    netns.exec("ip", "route", "del", V4.get(0));
    netns.exec("ip", "-6", "route", "del", V6.get(1));

    ApplyReport report = new TuningApplier(sysctls, table).applyAndReadBack(plan, journal).report();

    // Each batch numbers its lines from 1 whatever the process read before.
    Map<String, String> lineOf = Map.of(V4.get(0), "line 1 ", V6.get(1), "line 2 ");
    lineOf.forEach(
        (gone, batchLine) -> {
          RouteResult failed = RouteFixtures.result(report, gone);
          assertThat(failed.status()).isEqualTo(SettingStatus.FAILED);
          assertThat(failed.message())
              .contains(failed.routeId().orElseThrow(), "refused", batchLine)
              .containsAnyOf("No such file or directory", "no match found");
        });
    assertThat(RouteFixtures.result(report, V4.get(1)).actual()).isEqualTo(OptionalInt.of(25));
    assertThat(RouteFixtures.result(report, V6.get(0)).actual()).isEqualTo(OptionalInt.of(35));
    assertThat(RouteFixtures.line(netns, V4.get(1))).contains("rto_min lock 25ms");
    assertThat(RouteFixtures.line(netns, V6.get(0))).contains("rto_min lock 35ms");
  }

  @Test
  void aKilledIpIsReplacedAtTheNextUseAndClosingEndsBoth() throws Exception {
    applyAndVerify(desired(20, 30));
    OptionalLong first = session.pid(IpFamily.INET);
    ProcessHandle ip = ProcessHandle.of(first.getAsLong()).orElseThrow();
    ip.destroyForcibly();
    ip.onExit().get(10, TimeUnit.SECONDS);

    ApplyReport report = applyAndVerify(desired(40, 50));

    // Found dead before the next batch was written: a new process, nothing lost.
    assertThat(session.pid(IpFamily.INET)).isPresent().isNotEqualTo(first);
    assertThat(RouteFixtures.line(netns, V4.get(0))).contains("rto_min lock 40ms");
    assertThat(report.routes())
        .allSatisfy(r -> assertThat(r.status()).as(r.message()).isEqualTo(SettingStatus.APPLIED));

    OptionalLong v4 = session.pid(IpFamily.INET);
    OptionalLong v6 = session.pid(IpFamily.INET6);
    table.close();
    assertThat(alive(v4)).isFalse();
    assertThat(alive(v6)).isFalse();
    assertThat(session.pid(IpFamily.INET)).isEmpty();
  }
}
