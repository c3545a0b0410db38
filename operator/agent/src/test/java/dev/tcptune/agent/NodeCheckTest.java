package dev.tcptune.agent;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tcptune.api.v1alpha1.EffectiveRoute;
import dev.tcptune.api.v1alpha1.EffectiveSetting;
import dev.tcptune.api.v1alpha1.Mode;
import dev.tcptune.api.v1alpha1.NodeSettingStatus;
import dev.tcptune.api.v1alpha1.SettingState;
import dev.tcptune.api.v1alpha1.TcpNodeStateSpec;
import dev.tcptune.api.v1alpha1.TcpNodeStateStatus;
import dev.tcptune.kernel.apply.InMemoryOriginalsJournal;
import dev.tcptune.kernel.apply.TuningPlanner;
import dev.tcptune.kernel.catalog.KernelVersion;
import dev.tcptune.kernel.route.InMemoryRouteTable;
import dev.tcptune.kernel.route.IpFamily;
import dev.tcptune.kernel.route.Route;
import dev.tcptune.kernel.sysctl.InMemorySysctlStore;
import dev.tcptune.status.ConditionFactory;
import io.fabric8.kubernetes.api.model.Condition;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * One check of the agent (spec mapping, kernel layer, status) against in-memory sysctls and routes:
 * what a node's status says after apply, drift, restore and bad input.
 */
class NodeCheckTest {

  private static final String SOMAXCONN = "net.core.somaxconn";
  private static final String KEEPALIVE = "net.ipv4.tcp_keepalive_time";
  private static final String RTO_MIN_US = "net.ipv4.tcp_rto_min_us";

  private final InMemorySysctlStore store =
      new InMemorySysctlStore(Map.of(SOMAXCONN, "4096", KEEPALIVE, "7200", RTO_MIN_US, "200000"));
  private final InMemoryRouteTable routes =
      new InMemoryRouteTable(List.of(Route.of(IpFamily.INET, "local", "127.0.0.1", "lo", "local")));
  private final InMemoryOriginalsJournal journal = new InMemoryOriginalsJournal();
  private final NodeTuner tuner =
      new NodeTuner(store, routes, KernelVersion.of(6, 18, 0), new TuningPlanner());
  private Instant now = Instant.parse("2026-11-23T10:00:00Z");
  private TcpNodeStateStatus status;

  @Test
  void appliesEnforceEntriesAndReportsOriginals() {
    check(spec(List.of(set(SOMAXCONN, "8192", null), set(KEEPALIVE, "60", Mode.ENFORCE)), rule()));

    assertThat(store.snapshot()).containsEntry(SOMAXCONN, "8192").containsEntry(KEEPALIVE, "60");
    assertThat(state(SOMAXCONN)).isEqualTo(SettingState.APPLIED);
    assertThat(setting(SOMAXCONN).getOriginal()).isEqualTo("4096");
    assertThat(status.getRoutes())
        .singleElement()
        .satisfies(
            r -> {
              assertThat(r.getActual()).isEqualTo("20ms");
              assertThat(r.getOriginal()).isEqualTo("unset");
            });
    assertThat(condition("Applied").getStatus()).isEqualTo("True");
    assertThat(condition("Degraded").getStatus()).isEqualTo("False");
    assertThat(status.getSummary().getSettings()).isEqualTo(3);
    assertThat(status.getSummary().getInSync()).isEqualTo(3);
    assertThat(status.getOriginals()).hasSize(3);
  }

  @Test
  void aKeyTheKernelLacksIsUnsupportedAndTheRestApplies() {
    store.markMissing(RTO_MIN_US);

    check(spec(List.of(set(SOMAXCONN, "8192", null), set(RTO_MIN_US, "50000", null)), List.of()));

    assertThat(store.snapshot()).containsEntry(SOMAXCONN, "8192");
    assertThat(state(RTO_MIN_US)).isEqualTo(SettingState.UNSUPPORTED);
    assertThat(condition("Degraded").getStatus()).isEqualTo("True");
    assertThat(condition("Degraded").getReason()).isEqualTo("Unsupported");
    assertThat(condition("Degraded").getMessage()).contains(RTO_MIN_US);
    assertThat(status.getSummary().getFailed()).isEqualTo(1);
  }

  @Test
  void aKeyOutsideTheCatalogIsInvalidAndNothingIsWritten() {
    check(
        spec(
            List.of(
                set("kernel.core_pattern", "|/bin/sh -c id", null), set(SOMAXCONN, "8192", null)),
            rule()));

    assertThat(store.writes()).isEmpty();
    assertThat(routes.changes()).isEmpty();
    assertThat(state("kernel.core_pattern")).isEqualTo(SettingState.INVALID);
    assertThat(setting("kernel.core_pattern").getMessage()).contains("unknown key");
    assertThat(condition("Applied").getReason()).isEqualTo("Invalid");
    assertThat(condition("Degraded").getReason()).isEqualTo("Invalid");
    assertThat(status.getOriginals()).isEmpty();
  }

  @Test
  void aValueOutsideTheCatalogRangeIsInvalidAndNothingIsWritten() {
    check(spec(List.of(set(SOMAXCONN, "8192", null), set(KEEPALIVE, "0", null)), List.of()));

    assertThat(store.writes()).isEmpty();
    assertThat(setting(KEEPALIVE).getMessage()).contains("below the allowed range 1..32767");
  }

  @Test
  void anRtoMinThatIsNoDurationIsInvalidAndNothingIsWritten() {
    check(
        spec(
            List.of(set(SOMAXCONN, "8192", null)),
            List.of(new EffectiveRoute("127.0.0.1", null, "20 ms; id", null, null))));

    assertThat(store.writes()).isEmpty();
    assertThat(setting("spec.routes[0].rtoMin").getState()).isEqualTo(SettingState.INVALID);
    assertThat(condition("Applied").getReason()).isEqualTo("Invalid");
  }

  @Test
  void auditOnlyReportsDrift() {
    check(spec(List.of(set(KEEPALIVE, "60", Mode.AUDIT)), List.of()));

    assertThat(store.writes()).isEmpty();
    assertThat(state(KEEPALIVE)).isEqualTo(SettingState.DRIFTED);
    assertThat(condition("Drifted").getStatus()).isEqualTo("True");
    assertThat(condition("Drifted").getMessage()).contains(KEEPALIVE);
    assertThat(status.getOriginals()).isEmpty();
  }

  @Test
  void enforceCorrectsDriftAndCountsIt() {
    TcpNodeStateSpec spec = spec(List.of(set(SOMAXCONN, "8192", null)), List.of());
    check(spec);
    store.put(SOMAXCONN, "1024");

    NodeTuner.Outcome outcome = check(spec);

    assertThat(outcome.corrections()).containsExactly(SOMAXCONN);
    assertThat(store.snapshot()).containsEntry(SOMAXCONN, "8192");
    assertThat(setting(SOMAXCONN).getOriginal()).isEqualTo("4096");
  }

  @Test
  void aRouteReplacedWithoutRtoMinIsPutBackAndCounted() {
    TcpNodeStateSpec spec = spec(List.of(), rule());
    check(spec);
    routes.put(Route.of(IpFamily.INET, "local", "127.0.0.1", "lo", "local"));

    NodeTuner.Outcome outcome = check(spec);

    assertThat(outcome.corrections()).containsExactly("local/127.0.0.1/32/lo");
    assertThat(routes.routes().get(0).rtoMinMillis()).hasValue(20);
  }

  @Test
  void anUnchangedNodeGivesAnEqualStatusLaterOn() {
    TcpNodeStateSpec spec = spec(List.of(set(SOMAXCONN, "8192", null)), rule());
    check(spec);
    check(spec);
    TcpNodeStateStatus second = status;
    now = now.plusSeconds(3600);

    check(spec);

    second.setLastCheckTime(null);
    status.setLastCheckTime(null);
    assertThat(status).isEqualTo(second);
  }

  @Test
  void emptySpecRestoresOriginalsButNotAnotherWritersValue() {
    check(spec(List.of(set(SOMAXCONN, "8192", null), set(KEEPALIVE, "60", null)), rule()));
    store.put(KEEPALIVE, "45");

    check(spec(List.of(), List.of()));

    assertThat(store.snapshot()).containsEntry(SOMAXCONN, "4096").containsEntry(KEEPALIVE, "45");
    assertThat(routes.routes().get(0).rtoMinMillis()).isEmpty();
    assertThat(state(SOMAXCONN)).isEqualTo(SettingState.RESTORED);
    assertThat(state(KEEPALIVE)).isEqualTo(SettingState.CONFLICT);
    assertThat(condition("Applied").getReason()).isEqualTo("RestoreIncomplete");
    assertThat(condition("Degraded").getReason()).isEqualTo("Conflict");

    // The other writer puts tcptune's value back: now the original can be restored too.
    store.put(KEEPALIVE, "60");
    check(spec(List.of(), List.of()));

    assertThat(store.snapshot()).containsEntry(KEEPALIVE, "7200");
    assertThat(state(SOMAXCONN)).as("still reported").isEqualTo(SettingState.RESTORED);
    assertThat(state(KEEPALIVE)).isEqualTo(SettingState.RESTORED);
    assertThat(condition("Applied").getReason()).isEqualTo("Restored");
    assertThat(status.getOriginals()).isEmpty();
  }

  // --- helpers -------------------------------------------------------------------------------

  private NodeTuner.Outcome check(TcpNodeStateSpec spec) {
    NodeTuner.Outcome outcome = tuner.check(SpecMapper.map(spec), journal);
    StatusBuilder builder =
        new StatusBuilder(new ConditionFactory(Clock.fixed(now, ZoneOffset.UTC)));
    status =
        builder.build(
            new StatusBuilder.Input(
                1,
                "6.18.0",
                outcome,
                OriginalsCodec.encode(journal.settings(), journal.routes()),
                null,
                0),
            status);
    return outcome;
  }

  private static TcpNodeStateSpec spec(
      List<EffectiveSetting> settings, List<EffectiveRoute> routes) {
    TcpNodeStateSpec spec = new TcpNodeStateSpec();
    spec.setSettings(new ArrayList<>(settings));
    spec.setRoutes(new ArrayList<>(routes));
    return spec;
  }

  private static EffectiveSetting set(String key, String value, Mode mode) {
    return new EffectiveSetting(key, value, "p", mode);
  }

  private static List<EffectiveRoute> rule() {
    return List.of(new EffectiveRoute("127.0.0.1", null, "20ms", "p", null));
  }

  private NodeSettingStatus setting(String key) {
    return status.getSettings().stream()
        .filter(s -> key.equals(s.getKey()))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no status for " + key + ": " + status));
  }

  private SettingState state(String key) {
    return setting(key).getState();
  }

  private Condition condition(String type) {
    return ConditionFactory.find(status.getConditions(), type).orElseThrow();
  }
}
