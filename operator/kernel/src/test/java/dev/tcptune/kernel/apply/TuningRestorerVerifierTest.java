package dev.tcptune.kernel.apply;

import static dev.tcptune.kernel.apply.ApplyFixtures.KERNEL;
import static org.assertj.core.api.Assertions.assertThat;

import dev.tcptune.kernel.route.InMemoryRouteTable;
import dev.tcptune.kernel.route.RouteRule;
import dev.tcptune.kernel.sysctl.InMemorySysctlStore;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

class TuningRestorerVerifierTest {

  private final InMemorySysctlStore store = ApplyFixtures.defaults();
  private final InMemoryRouteTable routes = ApplyFixtures.routes();
  private final InMemoryOriginalsJournal journal = new InMemoryOriginalsJournal();
  private final DesiredState desired =
      DesiredState.of(
          Map.of("net.core.somaxconn", "8192", "net.ipv4.tcp_fin_timeout", "30"),
          List.of(RouteRule.to("127.0.0.1", 20)),
          Mode.ENFORCE);

  private void apply() {
    Plan plan = new TuningPlanner().plan(desired, store, routes, KERNEL);
    assertThat(new TuningApplier(store, routes).apply(plan, journal).fullyApplied()).isTrue();
  }

  @Test
  void restorePutsOriginalsBackAndClearsTheJournal() {
    Map<String, String> before = store.snapshot();
    apply();
    assertThat(store.snapshot()).isNotEqualTo(before);
    ApplyReport report = new TuningRestorer().restore(journal, store, routes);
    assertThat(report.fullyApplied()).isTrue();
    assertThat(report.settings())
        .extracting(SettingResult::status)
        .containsOnly(SettingStatus.APPLIED);
    assertThat(store.snapshot()).isEqualTo(before);
    assertThat(routes.routes().get(0).rtoMinMillis()).isEmpty();
    assertThat(journal.settings()).isEmpty();
    assertThat(journal.routes()).isEmpty();
  }

  @Test
  void failedRestoreKeepsTheEntry() {
    apply();
    store.refuseWrites("net.core.somaxconn", "Operation not permitted");
    ApplyReport report = new TuningRestorer().restore(journal, store, routes);
    assertThat(report.setting("net.core.somaxconn").orElseThrow().status())
        .isEqualTo(SettingStatus.FAILED);
    assertThat(report.setting("net.ipv4.tcp_fin_timeout").orElseThrow().status())
        .isEqualTo(SettingStatus.APPLIED);
    assertThat(journal.settings())
        .extracting(SettingOriginal::key)
        .containsExactly("net.core.somaxconn");
  }

  @Test
  void restoreLeavesAnotherWritersValueAloneAndReportsAConflict() {
    apply();
    store.put("net.core.somaxconn", "2048");
    routes.put(ApplyFixtures.LOOPBACK.withRtoMin(OptionalInt.of(70)));

    ApplyReport report = new TuningRestorer().restore(journal, store, routes);

    SettingResult somax = report.setting("net.core.somaxconn").orElseThrow();
    assertThat(somax.status()).isEqualTo(SettingStatus.CONFLICT);
    assertThat(somax.message()).contains("'2048'", "'8192'", "'4096'");
    assertThat(store.read("net.core.somaxconn")).hasValue("2048");
    assertThat(report.setting("net.ipv4.tcp_fin_timeout").orElseThrow().status())
        .isEqualTo(SettingStatus.APPLIED);
    assertThat(store.read("net.ipv4.tcp_fin_timeout")).hasValue("60");
    assertThat(report.routes().get(0).status()).isEqualTo(SettingStatus.CONFLICT);
    assertThat(report.routes().get(0).message()).contains("70ms", "20ms");
    assertThat(routes.routes())
        .filteredOn(r -> r.id().equals("local/127.0.0.1/32/lo"))
        .singleElement()
        .satisfies(r -> assertThat(r.rtoMinMillis()).hasValue(70));
    assertThat(journal.settings())
        .extracting(SettingOriginal::key)
        .containsExactly("net.core.somaxconn");
    assertThat(journal.routes()).hasSize(1);
  }

  @Test
  void restoreUnusedKeepsWhatThePlanStillEnforces() {
    apply();
    DesiredState smaller = DesiredState.ofSysctls(Map.of("net.core.somaxconn", "8192"));
    Plan plan = new TuningPlanner().plan(smaller, store, routes, KERNEL);
    ApplyReport report = new TuningRestorer().restoreUnused(plan, journal, store, routes);
    assertThat(report.settings())
        .extracting(SettingResult::key)
        .containsExactly("net.ipv4.tcp_fin_timeout");
    assertThat(store.read("net.core.somaxconn")).hasValue("8192");
    assertThat(store.read("net.ipv4.tcp_fin_timeout")).hasValue("60");
    assertThat(routes.routes().get(0).rtoMinMillis()).isEmpty();
    assertThat(journal.settings())
        .extracting(SettingOriginal::key)
        .containsExactly("net.core.somaxconn");
  }

  @Test
  void replacedRouteIsNothingToRestore() {
    apply();
    routes.put(ApplyFixtures.LOOPBACK.withRtoMin(OptionalInt.empty()));
    ApplyReport report = new TuningRestorer().restore(journal, store, routes);
    assertThat(report.routes().get(0).status()).isEqualTo(SettingStatus.IN_SYNC);
    assertThat(journal.routes()).isEmpty();
  }

  @Test
  void verifyReportsDriftWithOriginalsAndNeverWrites() {
    apply();
    store.put("net.core.somaxconn", "1024");
    routes.put(ApplyFixtures.LOOPBACK);
    ApplyReport report = new TuningVerifier().verify(desired, store, routes, KERNEL, journal);
    SettingResult somax = report.setting("net.core.somaxconn").orElseThrow();
    assertThat(somax.status()).isEqualTo(SettingStatus.DRIFTED);
    assertThat(somax.actual()).hasValue("1024");
    assertThat(somax.original()).hasValue("4096");
    assertThat(somax.message()).contains("'1024'", "'8192'");
    assertThat(report.setting("net.ipv4.tcp_fin_timeout").orElseThrow().status())
        .isEqualTo(SettingStatus.IN_SYNC);
    assertThat(report.routes().get(0).status()).isEqualTo(SettingStatus.DRIFTED);
    assertThat(report.drifted()).isTrue();
    assertThat(store.writes()).hasSize(2);
    assertThat(
            new TuningVerifier()
                .verify(desired, store, routes, KERNEL)
                .settings()
                .get(0)
                .original())
        .isEmpty();
  }

  @Test
  void verifyAfterAnApplyUsesItsReadBackInsteadOfListingAgain() {
    Plan plan = new TuningPlanner().plan(desired, store, routes, KERNEL);
    AppliedPlan applied = new TuningApplier(store, routes).applyAndReadBack(plan, journal);
    int listings = routes.listings();
    ApplyReport verified =
        new TuningVerifier().verifyAfter(applied, desired, store, routes, KERNEL, journal);
    assertThat(routes.listings()).isEqualTo(listings);
    assertThat(verified.fullyApplied()).isTrue();
    assertThat(verified)
        .isEqualTo(new TuningVerifier().verify(desired, store, routes, KERNEL, journal));
  }

  @Test
  void verifyAfterAnApplyWithoutReadBackListsLive() {
    Plan plan = new TuningPlanner().plan(desired, store, routes, KERNEL);
    new TuningApplier(store, routes).apply(plan, journal);
    // Nothing left to change: no route call, hence no read-back to reuse.
    AppliedPlan applied =
        new TuningApplier(store, routes)
            .applyAndReadBack(new TuningPlanner().plan(desired, store, routes, KERNEL), journal);
    assertThat(applied.routesReadBack()).isEmpty();
    routes.put(ApplyFixtures.LOOPBACK);
    ApplyReport verified =
        new TuningVerifier().verifyAfter(applied, desired, store, routes, KERNEL, journal);
    assertThat(verified.routes().get(0).status()).isEqualTo(SettingStatus.DRIFTED);
  }
}
