package dev.tcptune.kernel.apply;

import static dev.tcptune.kernel.apply.ApplyFixtures.KERNEL;
import static org.assertj.core.api.Assertions.assertThat;

import dev.tcptune.kernel.route.InMemoryRouteTable;
import dev.tcptune.kernel.route.Route;
import dev.tcptune.kernel.route.RouteRule;
import dev.tcptune.kernel.sysctl.InMemorySysctlStore;
import dev.tcptune.kernel.sysctl.SysctlStore;
import dev.tcptune.kernel.sysctl.SysctlWriteException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

class TuningApplierTest {

  private final TuningPlanner planner = new TuningPlanner();
  private final InMemorySysctlStore store = ApplyFixtures.defaults();
  private final InMemoryRouteTable routes = ApplyFixtures.routes();
  private final InMemoryOriginalsJournal journal = new InMemoryOriginalsJournal();

  private static DesiredState desired(Map<String, String> sysctls, RouteRule... rules) {
    return new DesiredState(sysctls, List.of(rules));
  }

  private ApplyReport applyOnce(DesiredState d) {
    return new TuningApplier(store, routes).apply(planner.plan(d, store, routes, KERNEL), journal);
  }

  @Test
  void invalidPlanWritesNothingAndListsEveryError() {
    Map<String, String> s = new LinkedHashMap<>();
    s.put("net.core.somaxconn", "8192");
    s.put("net.ipv4.tcp_fin_timeout", "1");
    s.put("net.ipv4.tcp_tw_recycle", "1");
    s.put("net.ipv4.nonsense", "3");
    DesiredState d = desired(s, RouteRule.to("127.0.0.1", 5000), RouteRule.to("default", 20));
    Plan plan = planner.plan(d, store, routes, KERNEL);
    assertThat(plan.valid()).isFalse();
    assertThat(plan.errors()).hasSize(4);
    assertThat(String.join("\n", plan.errors()))
        .contains(
            "tcp_fin_timeout: 1 is below the allowed range 5..300",
            "removed in Linux 4.12",
            "net.ipv4.nonsense",
            "5000 ms");
    ApplyReport report = new TuningApplier(store, routes).apply(plan, journal);
    assertThat(store.writes()).isEmpty();
    assertThat(routes.changes()).isEmpty();
    assertThat(journal.originals()).isEmpty();
    assertThat(report.fullyApplied()).isFalse();
    assertThat(report.setting("net.core.somaxconn").orElseThrow().status())
        .isEqualTo(SettingStatus.INVALID);
    assertThat(report.setting("net.ipv4.tcp_fin_timeout").orElseThrow().message())
        .contains("5..300");
  }

  @Test
  void missingKeyAndRefusedWriteAreReportedWhileOthersApply() {
    store.markMissing("net.ipv4.tcp_rto_min_us");
    store.refuseWrites("net.ipv4.tcp_keepalive_time", "Invalid argument");
    Map<String, String> s = new LinkedHashMap<>();
    s.put("net.ipv4.tcp_rto_min_us", "50000");
    s.put("net.ipv4.tcp_keepalive_time", "600");
    s.put("net.core.somaxconn", "8192");
    s.put("net.ipv4.ip_local_port_range", "10000   65000");
    ApplyReport report =
        applyOnce(desired(s, RouteRule.to("127.0.0.1", 20), RouteRule.to("10.9.9.0/24", 20)));

    assertThat(report.settings())
        .extracting(SettingResult::key, SettingResult::status)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(
                "net.ipv4.tcp_rto_min_us", SettingStatus.UNSUPPORTED),
            org.assertj.core.groups.Tuple.tuple(
                "net.ipv4.tcp_keepalive_time", SettingStatus.FAILED),
            org.assertj.core.groups.Tuple.tuple("net.core.somaxconn", SettingStatus.APPLIED),
            org.assertj.core.groups.Tuple.tuple(
                "net.ipv4.ip_local_port_range", SettingStatus.APPLIED));
    assertThat(report.setting("net.ipv4.tcp_rto_min_us").orElseThrow().message()).contains("6.11");
    assertThat(report.setting("net.ipv4.tcp_keepalive_time").orElseThrow().message())
        .contains("net.ipv4.tcp_keepalive_time", "'600'", "Invalid argument");
    assertThat(store.read("net.core.somaxconn")).hasValue("8192");
    assertThat(store.read("net.ipv4.ip_local_port_range")).hasValue("10000 65000");
    assertThat(report.routes())
        .extracting(RouteResult::status)
        .containsExactly(SettingStatus.APPLIED, SettingStatus.UNSUPPORTED);
    assertThat(report.routes().get(1).message()).contains("10.9.9.0/24", "no route matches");
    assertThat(routes.changes()).containsExactly("local/127.0.0.1/32/lo rto_min=20");
    assertThat(report.fullyApplied()).isFalse();
  }

  @Test
  void originalsAreRecordedBeforeTheFirstWriteAndNeverOverwritten() {
    List<String> events = new ArrayList<>();
    OriginalsJournal spy =
        new InMemoryOriginalsJournal() {
          @Override
          public void record(String key, String originalValue) {
            events.add("record " + key + "=" + originalValue);
            super.record(key, originalValue);
          }
        };
    SysctlStore logging =
        new SysctlStore() {
          @Override
          public Optional<String> read(String key) {
            return store.read(key);
          }

          @Override
          public void write(String key, String value) throws SysctlWriteException {
            events.add("write " + key + "=" + value);
            store.write(key, value);
          }
        };
    DesiredState first = desired(Map.of("net.core.somaxconn", "8192"));
    TuningApplier applier = new TuningApplier(logging, routes);
    applier.apply(planner.plan(first, logging, routes, KERNEL), spy);
    assertThat(events)
        .containsExactly("record net.core.somaxconn=4096", "write net.core.somaxconn=8192");

    DesiredState second = desired(Map.of("net.core.somaxconn", "16384"));
    ApplyReport report = applier.apply(planner.plan(second, logging, routes, KERNEL), spy);
    assertThat(spy.original("net.core.somaxconn")).hasValue("4096");
    assertThat(report.settings().get(0).original()).hasValue("4096");
    assertThat(report.settings().get(0).status()).isEqualTo(SettingStatus.APPLIED);

    ApplyReport again = applier.apply(planner.plan(second, logging, routes, KERNEL), spy);
    assertThat(again.settings().get(0).status()).isEqualTo(SettingStatus.IN_SYNC);
    assertThat(again.fullyApplied()).isTrue();
  }

  @Test
  void journalFailurePreventsTheWrite() {
    OriginalsJournal broken =
        new InMemoryOriginalsJournal() {
          @Override
          public void record(String key, String originalValue) {
            throw new IllegalStateException("status patch rejected");
          }
        };
    Plan plan = planner.plan(desired(Map.of("net.core.somaxconn", "8192")), store, routes, KERNEL);
    ApplyReport report = new TuningApplier(store, routes).apply(plan, broken);
    assertThat(report.settings().get(0).status()).isEqualTo(SettingStatus.FAILED);
    assertThat(report.settings().get(0).message())
        .contains("could not be recorded", "status patch rejected");
    assertThat(store.writes()).isEmpty();
  }

  @Test
  void readBackMismatchIsAFailure() {
    SysctlStore clamping =
        new SysctlStore() {
          @Override
          public Optional<String> read(String key) {
            return store.read(key);
          }

          @Override
          public void write(String key, String value) throws SysctlWriteException {
            store.write(key, "4096");
          }
        };
    Plan plan =
        planner.plan(desired(Map.of("net.core.somaxconn", "8192")), clamping, routes, KERNEL);
    ApplyReport report = new TuningApplier(clamping, routes).apply(plan, journal);
    assertThat(report.settings().get(0).status()).isEqualTo(SettingStatus.FAILED);
    assertThat(report.settings().get(0).message()).contains("read back '4096'");
  }

  @Test
  void refusedRouteChangeIsReportedAndOthersApply() {
    routes.refuseChanges("local/127.0.0.1/32/lo", "RTNETLINK answers: Operation not permitted");
    ApplyReport report =
        applyOnce(desired(Map.of(), RouteRule.to("127.0.0.1", 20), RouteRule.to("default", 30)));
    assertThat(report.routes())
        .extracting(RouteResult::status)
        .containsExactly(SettingStatus.FAILED, SettingStatus.APPLIED);
    assertThat(report.routes().get(0).message()).contains("Operation not permitted");
    Route def = routes.routes().stream().filter(Route::isDefault).findFirst().orElseThrow();
    assertThat(def.rtoMinMillis()).isEqualTo(OptionalInt.of(30));
    assertThat(journal.routeOriginal("main/0.0.0.0/0/eth0"))
        .hasValue(new RouteOriginal("main/0.0.0.0/0/eth0", OptionalInt.empty()));
  }
}
