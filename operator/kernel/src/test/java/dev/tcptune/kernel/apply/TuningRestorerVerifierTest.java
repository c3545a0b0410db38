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
      new DesiredState(
          Map.of("net.core.somaxconn", "8192", "net.ipv4.tcp_fin_timeout", "30"),
          List.of(RouteRule.to("127.0.0.1", 20)));

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
    assertThat(journal.originals()).isEmpty();
    assertThat(journal.routeOriginals()).isEmpty();
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
    assertThat(journal.originals()).containsOnlyKeys("net.core.somaxconn");
  }

  @Test
  void replacedRouteIsNothingToRestore() {
    apply();
    routes.put(ApplyFixtures.LOOPBACK.withRtoMin(OptionalInt.empty()));
    ApplyReport report = new TuningRestorer().restore(journal, store, routes);
    assertThat(report.routes().get(0).status()).isEqualTo(SettingStatus.IN_SYNC);
    assertThat(journal.routeOriginals()).isEmpty();
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
}
