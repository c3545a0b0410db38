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
    return DesiredState.of(sysctls, List.of(rules), Mode.ENFORCE);
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
    assertThat(journal.settings()).isEmpty();
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
  void everyOriginalIsJournaledInOneStepBeforeTheFirstWriteAndNeverOverwritten() {
    List<String> events = new ArrayList<>();
    OriginalsJournal spy =
        new InMemoryOriginalsJournal() {
          @Override
          protected void persist(List<SettingOriginal> settings, List<RouteOriginal> routes) {
            events.add("persist " + settings + " " + routes);
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
    Map<String, String> three = new LinkedHashMap<>();
    three.put("net.core.somaxconn", "8192");
    three.put("net.ipv4.tcp_fin_timeout", "30");
    three.put("net.ipv4.tcp_keepalive_time", "600");
    TuningApplier applier = new TuningApplier(logging, routes);
    applier.apply(
        planner.plan(desired(three, RouteRule.to("127.0.0.1", 20)), logging, routes, KERNEL), spy);
    assertThat(events).hasSize(4);
    assertThat(events.get(0))
        .startsWith("persist")
        .contains(
            "SettingOriginal[key=net.core.somaxconn, original=4096, lastWritten=8192]",
            "SettingOriginal[key=net.ipv4.tcp_fin_timeout, original=60, lastWritten=30]",
            "SettingOriginal[key=net.ipv4.tcp_keepalive_time, original=7200, lastWritten=600]",
            "RouteOriginal[routeId=local/127.0.0.1/32/lo, originalMillis=OptionalInt.empty,"
                + " lastWrittenMillis=20]");
    assertThat(events.subList(1, 4)).allMatch(e -> e.startsWith("write "));

    events.clear();
    DesiredState second = desired(Map.of("net.core.somaxconn", "16384"));
    ApplyReport report = applier.apply(planner.plan(second, logging, routes, KERNEL), spy);
    assertThat(events)
        .containsExactly(
            "persist [SettingOriginal[key=net.core.somaxconn, original=4096, lastWritten=16384],"
                + " SettingOriginal[key=net.ipv4.tcp_fin_timeout, original=60, lastWritten=30],"
                + " SettingOriginal[key=net.ipv4.tcp_keepalive_time, original=7200,"
                + " lastWritten=600]] [RouteOriginal[routeId=local/127.0.0.1/32/lo,"
                + " originalMillis=OptionalInt.empty, lastWrittenMillis=20]]",
            "write net.core.somaxconn=16384");
    assertThat(report.settings().get(0).original()).hasValue("4096");
    assertThat(report.settings().get(0).status()).isEqualTo(SettingStatus.APPLIED);

    events.clear();
    ApplyReport again = applier.apply(planner.plan(second, logging, routes, KERNEL), spy);
    assertThat(again.settings().get(0).status()).isEqualTo(SettingStatus.IN_SYNC);
    assertThat(again.fullyApplied()).isTrue();
    assertThat(events).as("nothing to write, nothing to persist").isEmpty();
  }

  @Test
  void anotherWritersValueIsCorrectedAndCountedButNeverBecomesTheOriginal() {
    applyOnce(desired(Map.of("net.core.somaxconn", "8192"), RouteRule.to("127.0.0.1", 20)));
    store.put("net.core.somaxconn", "2048");
    // Replaced by another writer without rto_min, as a CNI plugin would.
    routes.put(ApplyFixtures.LOOPBACK);

    ApplyReport report =
        applyOnce(desired(Map.of("net.core.somaxconn", "8192"), RouteRule.to("127.0.0.1", 20)));

    SettingResult somax = report.setting("net.core.somaxconn").orElseThrow();
    assertThat(somax.status()).isEqualTo(SettingStatus.CORRECTED);
    assertThat(somax.message()).contains("'2048'", "'8192'");
    assertThat(report.routes().get(0).status()).isEqualTo(SettingStatus.CORRECTED);
    assertThat(report.corrections()).isEqualTo(2);
    assertThat(report.fullyApplied()).isTrue();
    assertThat(store.read("net.core.somaxconn")).hasValue("8192");
    assertThat(journal.setting("net.core.somaxconn"))
        .hasValue(new SettingOriginal("net.core.somaxconn", "4096", "8192"));
    assertThat(journal.route("local/127.0.0.1/32/lo"))
        .hasValue(new RouteOriginal("local/127.0.0.1/32/lo", OptionalInt.empty(), 20));
  }

  @Test
  void auditEntriesAreComparedNeverWrittenNorJournaled() {
    DesiredState mixed =
        new DesiredState(
            List.of(
                DesiredSetting.enforce("net.core.somaxconn", "8192"),
                DesiredSetting.audit("net.ipv4.tcp_fin_timeout", "30"),
                DesiredSetting.audit("net.ipv4.tcp_keepalive_time", "7200")),
            List.of(
                DesiredRoute.audit(RouteRule.to("127.0.0.1", 20)),
                DesiredRoute.enforce(RouteRule.to("default", 30))));
    ApplyReport report = applyOnce(mixed);

    assertThat(report.settings())
        .extracting(SettingResult::key, SettingResult::mode, SettingResult::status)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(
                "net.core.somaxconn", Mode.ENFORCE, SettingStatus.APPLIED),
            org.assertj.core.groups.Tuple.tuple(
                "net.ipv4.tcp_fin_timeout", Mode.AUDIT, SettingStatus.DRIFTED),
            org.assertj.core.groups.Tuple.tuple(
                "net.ipv4.tcp_keepalive_time", Mode.AUDIT, SettingStatus.IN_SYNC));
    assertThat(report.routes())
        .extracting(RouteResult::mode, RouteResult::status)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(Mode.AUDIT, SettingStatus.DRIFTED),
            org.assertj.core.groups.Tuple.tuple(Mode.ENFORCE, SettingStatus.APPLIED));
    assertThat(store.writes()).containsExactly("net.core.somaxconn=8192");
    assertThat(routes.changes()).containsExactly("main/0.0.0.0/0/eth0 rto_min=30");
    assertThat(journal.settings())
        .extracting(SettingOriginal::key)
        .containsExactly("net.core.somaxconn");
    assertThat(journal.routes())
        .extracting(RouteOriginal::routeId)
        .containsExactly("main/0.0.0.0/0/eth0");
  }

  @Test
  void hostileEntriesAreInvalidEachAndNothingIsWritten() {
    DesiredState hostile =
        new DesiredState(
            List.of(
                DesiredSetting.enforce("net.core.somaxconn", "8192"),
                DesiredSetting.enforce("kernel.core_pattern", "|/bin/sh -c id"),
                DesiredSetting.enforce("../../kernel/x", "1"),
                DesiredSetting.enforce("net.ipv4.tcp_fin_timeout", "30\nkernel.core_pattern=|x"),
                DesiredSetting.enforce("net.ipv4.tcp_keepalive_time", "99999999999"),
                DesiredSetting.enforce("net.core.somaxconn", "16384")),
            List.of(
                DesiredRoute.enforce(RouteRule.to("default", 30)),
                DesiredRoute.enforce(new RouteRule("default", Optional.of("-x"), 30)),
                DesiredRoute.enforce(new RouteRule("default", Optional.of(".."), 30)),
                DesiredRoute.enforce(new RouteRule("default", Optional.of("eth0/../x"), 30)),
                DesiredRoute.enforce(new RouteRule("default", Optional.of("eth 0"), 30)),
                DesiredRoute.enforce(new RouteRule("default", Optional.of("a23456789012345x"), 30)),
                DesiredRoute.enforce(RouteRule.to("-6", 30))));
    ApplyReport report = applyOnce(hostile);

    assertThat(store.writes()).isEmpty();
    assertThat(routes.changes()).isEmpty();
    assertThat(journal.settings()).isEmpty();
    assertThat(journal.routes()).isEmpty();
    assertThat(report.settings())
        .extracting(SettingResult::status)
        .containsOnly(SettingStatus.INVALID);
    assertThat(report.settings().get(1).message()).contains("kernel.core_pattern", "unknown key");
    assertThat(report.settings().get(5).message()).contains("listed twice");
    assertThat(report.routes()).extracting(RouteResult::status).containsOnly(SettingStatus.INVALID);
    assertThat(report.routes().get(0).message()).contains("not written");
    assertThat(report.routes().subList(1, 7))
        .allSatisfy(r -> assertThat(r.message()).contains("is not allowed"));
  }

  @Test
  void aRouteMatchedByTwoEquallySpecificRulesIsInvalidAndValuesAreWrittenInCanonicalForm() {
    Plan twice =
        planner.plan(
            desired(Map.of(), RouteRule.to("127.0.0.1", 20), RouteRule.to("127.0.0.1/32", 30)),
            store,
            routes,
            KERNEL);
    assertThat(twice.valid()).isFalse();
    assertThat(twice.routes().get(1).message())
        .contains("local/127.0.0.1/32/lo", "already matched by rule 127.0.0.1 rto_min 20ms");

    applyOnce(desired(Map.of("net.ipv4.ip_local_port_range", " 010240\t 65000 ")));
    assertThat(store.writes()).containsExactly("net.ipv4.ip_local_port_range=10240 65000");
  }

  @Test
  void theMostSpecificRuleSetsARouteWhateverTheOrder() {
    // A merged spec: 30ms to the default route through eth0 (a device: more specific) and 20ms to
    // every default route. The device rule takes eth0's route; the other one has nothing left.
    ApplyReport report =
        applyOnce(
            desired(
                Map.of(),
                RouteRule.to("default", 20),
                new RouteRule("default", Optional.of("eth0"), 30)));

    assertThat(routes.changes()).containsExactly("main/0.0.0.0/0/eth0 rto_min=30");
    assertThat(report.fullyApplied()).isTrue();
    assertThat(report.routes())
        .extracting(RouteResult::rule, RouteResult::status)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("default rto_min 20ms", SettingStatus.IN_SYNC),
            org.assertj.core.groups.Tuple.tuple(
                "default dev eth0 rto_min 30ms", SettingStatus.APPLIED));
    assertThat(report.routes().get(0).message())
        .contains("every route it matches is set by a more specific rule: main/0.0.0.0/0/eth0");
  }

  @Test
  void aFamilyDefaultIsMoreSpecificThanDefaultAndABroaderRuleKeepsTheRoutesLeftToIt() {
    ApplyReport report =
        applyOnce(
            desired(
                Map.of(),
                RouteRule.to("0.0.0.0/0", 30),
                RouteRule.to("default", 20),
                RouteRule.to("127.0.0.1", 40)));

    assertThat(report.fullyApplied()).isTrue();
    assertThat(routes.changes())
        .containsExactlyInAnyOrder(
            "main/0.0.0.0/0/eth0 rto_min=30", "local/127.0.0.1/32/lo rto_min=40");
    assertThat(report.routes())
        .extracting(RouteResult::status)
        .containsExactly(SettingStatus.APPLIED, SettingStatus.IN_SYNC, SettingStatus.APPLIED);
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
    assertThat(journal.route("main/0.0.0.0/0/eth0"))
        .hasValue(new RouteOriginal("main/0.0.0.0/0/eth0", OptionalInt.empty(), 30));
  }

  @Test
  void everyRouteChangeOfAnApplyIsOneCallAndAFailureIsReadFromItsReadBack() {
    routes.refuseChanges("local/127.0.0.1/32/lo", "RTNETLINK answers: Operation not permitted");
    Plan plan =
        planner.plan(
            desired(Map.of(), RouteRule.to("127.0.0.1", 20), RouteRule.to("default", 30)),
            store,
            routes,
            KERNEL);
    int listedForThePlan = routes.listings();
    AppliedPlan applied = new TuningApplier(store, routes).applyAndReadBack(plan, journal);
    assertThat(routes.listings()).as("no listing after the change").isEqualTo(listedForThePlan);
    assertThat(applied.report().routes().get(0).status()).isEqualTo(SettingStatus.FAILED);
    assertThat(applied.report().routes().get(0).actual()).isEmpty();
    assertThat(applied.routesReadBack()).isPresent();
  }
}
