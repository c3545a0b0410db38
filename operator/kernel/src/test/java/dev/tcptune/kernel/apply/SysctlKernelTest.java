package dev.tcptune.kernel.apply;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tcptune.kernel.catalog.KernelVersion;
import dev.tcptune.kernel.catalog.Tunable;
import dev.tcptune.kernel.catalog.TunableCatalog;
import dev.tcptune.kernel.catalog.Unit;
import dev.tcptune.kernel.exec.NetworkNamespace;
import dev.tcptune.kernel.route.InMemoryRouteTable;
import dev.tcptune.kernel.sysctl.ProcSysctlStore;
import dev.tcptune.kernel.sysctl.SysctlStore;
import dev.tcptune.kernel.sysctl.SysctlWriteException;
import dev.tcptune.kernel.testing.TestNetns;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** Sysctls written and restored in a real network namespace; the host must not move. */
@Tag("kernel")
class SysctlKernelTest {

  @RegisterExtension final TestNetns netns = new TestNetns();
  @TempDir Path dir;

  private final TunableCatalog catalog = TunableCatalog.standard();
  private final KernelVersion kernel = KernelVersion.running();

  /** A value for every catalog key that is valid and differs from what the namespace has now. */
  private static final Map<String, List<String>> CANDIDATES =
      Map.ofEntries(
          Map.entry("net.core.somaxconn", List.of("8192", "16384")),
          Map.entry("net.ipv4.tcp_max_syn_backlog", List.of("4096", "8192")),
          Map.entry("net.ipv4.tcp_tw_reuse", List.of("1", "0")),
          Map.entry("net.ipv4.ip_local_port_range", List.of("20000 40001", "10000 65000")),
          Map.entry("net.ipv4.tcp_fin_timeout", List.of("30", "15")),
          Map.entry("net.ipv4.tcp_keepalive_time", List.of("600", "300")),
          Map.entry("net.ipv4.tcp_keepalive_intvl", List.of("10", "20")),
          Map.entry("net.ipv4.tcp_keepalive_probes", List.of("5", "6")),
          Map.entry("net.ipv4.tcp_syn_retries", List.of("3", "4")),
          Map.entry("net.ipv4.tcp_syn_linear_timeouts", List.of("2", "3")),
          Map.entry("net.ipv4.tcp_synack_retries", List.of("3", "4")),
          Map.entry("net.ipv4.tcp_retries1", List.of("4", "5")),
          Map.entry("net.ipv4.tcp_retries2", List.of("8", "9")),
          Map.entry("net.ipv4.tcp_orphan_retries", List.of("7", "6")),
          Map.entry("net.ipv4.tcp_rto_min_us", List.of("50000", "20000")));

  private Map<String, String> fullProfile(SysctlStore store) {
    Map<String, String> profile = new LinkedHashMap<>();
    for (Tunable t : catalog.all()) {
      if (!t.isSupportedOn(kernel)) {
        continue;
      }
      Optional<String> now = store.read(t.key());
      String value =
          CANDIDATES.get(t.key()).stream()
              .filter(v -> !Optional.of(v).equals(now))
              .findFirst()
              .orElseThrow();
      assertThat(catalog.validate(t.key(), value)).isEmpty();
      profile.put(t.key(), value);
    }
    return profile;
  }

  private Map<String, Optional<String>> readAll(SysctlStore store) {
    Map<String, Optional<String>> all = new LinkedHashMap<>();
    catalog.all().forEach(t -> all.put(t.key(), store.read(t.key())));
    return all;
  }

  @Test
  void fullProfileAppliesInTheNamespaceOnlyAndRestoresExactly() {
    SysctlStore store = ProcSysctlStore.forNamespace(netns.namespace(), netns.runner());
    SysctlStore host = ProcSysctlStore.forNamespace(NetworkNamespace.current(), netns.runner());
    Map<String, Optional<String>> hostBefore = readAll(host);
    Map<String, Optional<String>> nsBefore = readAll(store);
    Map<String, String> profile = fullProfile(store);
    // tcp_rto_min_us arrived in 6.11, tcp_syn_linear_timeouts in 6.7.
    int expected =
        kernel.isAtLeast(KernelVersion.of(6, 11, 0))
            ? 15
            : kernel.isAtLeast(KernelVersion.of(6, 7, 0)) ? 14 : 13;
    assertThat(profile).hasSize(expected);

    FileOriginalsJournal journal = new FileOriginalsJournal(dir.resolve("originals.json"));
    InMemoryRouteTable noRoutes = new InMemoryRouteTable(List.of());
    DesiredState desired = DesiredState.ofSysctls(profile);
    Plan plan = new TuningPlanner().plan(desired, store, noRoutes, kernel);
    assertThat(plan.valid()).isTrue();
    ApplyReport report = new TuningApplier(store, noRoutes).apply(plan, journal);

    assertThat(report.settings())
        .allSatisfy(s -> assertThat(s.status()).as(s.message()).isEqualTo(SettingStatus.APPLIED));
    profile.forEach((key, value) -> assertThat(store.read(key)).as(key).hasValue(value));
    assertThat(readAll(host)).isEqualTo(hostBefore);
    assertThat(new TuningVerifier().verify(desired, store, noRoutes, kernel).fullyApplied())
        .isTrue();
    assertThat(new FileOriginalsJournal(dir.resolve("originals.json")).settings())
        .hasSize(profile.size());

    ApplyReport restored = new TuningRestorer().restore(journal, store, noRoutes);
    assertThat(restored.fullyApplied()).isTrue();
    assertThat(readAll(store)).isEqualTo(nsBefore);
    assertThat(journal.settings()).isEmpty();
    assertThat(readAll(host)).isEqualTo(hostBefore);
  }

  @Test
  void missingKeyAndKernelRefusalAreReportedWhileOthersApply() {
    SysctlStore real = ProcSysctlStore.forNamespace(netns.namespace(), netns.runner());
    // The kernel refuses these itself: proof that the raw store surfaces the kernel's words.
    assertThatThrownBy(() -> real.write("net.core.somaxconn", "-1"))
        .isInstanceOf(SysctlWriteException.class)
        .hasMessageContaining("net.core.somaxconn")
        .hasMessageContaining("'-1'")
        .hasMessageContaining("Invalid argument");
    assertThatThrownBy(() -> real.write("net.ipv4.tcp_bogus_key", "1"))
        .hasMessageContaining("does not exist");
    assertThat(real.read("net.ipv4.tcp_bogus_key")).isEmpty();

    // A store that pretends keepalive_time does not exist, as on an older kernel.
    SysctlStore lacking =
        new SysctlStore() {
          @Override
          public Optional<String> read(String key) {
            return key.equals("net.ipv4.tcp_keepalive_time") ? Optional.empty() : real.read(key);
          }

          @Override
          public void write(String key, String value) throws SysctlWriteException {
            real.write(key, value);
          }
        };
    // A lenient catalog lets tcp_rto_min_us=0 past validation so the kernel gets to refuse it.
    Tunable lenientRto =
        new Tunable(
            "net.ipv4.tcp_rto_min_us",
            "net/ipv4/tcp_rto_min_us",
            Unit.MICROSECONDS,
            0,
            1_000_000,
            KernelVersion.of(6, 11, 0),
            "lenient for this test",
            "200000");
    TunableCatalog lenient =
        new TunableCatalog(
            List.of(
                TunableCatalog.SOMAXCONN,
                TunableCatalog.TCP_FIN_TIMEOUT,
                TunableCatalog.TCP_KEEPALIVE_TIME,
                lenientRto,
                TunableCatalog.TCP_SYN_RETRIES),
            Map.of());
    Map<String, String> desired = new LinkedHashMap<>();
    desired.put("net.core.somaxconn", "8192");
    desired.put("net.ipv4.tcp_keepalive_time", "600");
    desired.put("net.ipv4.tcp_rto_min_us", "0");
    desired.put("net.ipv4.tcp_fin_timeout", "30");
    desired.put("net.ipv4.tcp_syn_retries", "2");
    InMemoryRouteTable noRoutes = new InMemoryRouteTable(List.of());
    String rtoBefore = real.read("net.ipv4.tcp_rto_min_us").orElse("absent");

    Plan plan =
        new TuningPlanner(lenient).plan(DesiredState.ofSysctls(desired), lacking, noRoutes, kernel);
    InMemoryOriginalsJournal journal = new InMemoryOriginalsJournal();
    ApplyReport report = new TuningApplier(lacking, noRoutes).apply(plan, journal);

    assertThat(report.setting("net.ipv4.tcp_keepalive_time").orElseThrow().status())
        .isEqualTo(SettingStatus.UNSUPPORTED);
    if (kernel.isAtLeast(KernelVersion.of(6, 11, 0))) {
      SettingResult rto = report.setting("net.ipv4.tcp_rto_min_us").orElseThrow();
      assertThat(rto.status()).isEqualTo(SettingStatus.FAILED);
      assertThat(rto.message()).contains("net.ipv4.tcp_rto_min_us", "'0'", "Invalid argument");
      assertThat(rto.actual()).hasValue(rtoBefore);
    }
    for (String ok :
        List.of("net.core.somaxconn", "net.ipv4.tcp_fin_timeout", "net.ipv4.tcp_syn_retries")) {
      assertThat(report.setting(ok).orElseThrow().status()).as(ok).isEqualTo(SettingStatus.APPLIED);
      assertThat(real.read(ok)).hasValue(desired.get(ok));
    }
    assertThat(report.fullyApplied()).isFalse();
  }

  @Test
  void anotherWriterIsCorrectedInEnforceAndLeftAloneOnRestore() {
    SysctlStore store = ProcSysctlStore.forNamespace(netns.namespace(), netns.runner());
    InMemoryRouteTable noRoutes = new InMemoryRouteTable(List.of());
    InMemoryOriginalsJournal journal = new InMemoryOriginalsJournal();
    String somaxconnBefore = store.read("net.core.somaxconn").orElseThrow();
    String finBefore = store.read("net.ipv4.tcp_fin_timeout").orElseThrow();
    Map<String, String> values = new LinkedHashMap<>();
    values.put("net.core.somaxconn", "8191");
    values.put("net.ipv4.tcp_fin_timeout", "33");
    DesiredState desired = DesiredState.ofSysctls(values);
    TuningApplier applier = new TuningApplier(store, noRoutes);
    applier.apply(new TuningPlanner().plan(desired, store, noRoutes, kernel), journal);

    netns.exec("sysctl", "-w", "net.core.somaxconn=2047");
    ApplyReport enforced =
        applier.apply(new TuningPlanner().plan(desired, store, noRoutes, kernel), journal);
    assertThat(enforced.setting("net.core.somaxconn").orElseThrow().status())
        .isEqualTo(SettingStatus.CORRECTED);
    assertThat(enforced.corrections()).isEqualTo(1);
    assertThat(journal.original("net.core.somaxconn")).hasValue(somaxconnBefore);

    netns.exec("sysctl", "-w", "net.core.somaxconn=2046");
    ApplyReport restored = new TuningRestorer().restore(journal, store, noRoutes);

    SettingResult conflict = restored.setting("net.core.somaxconn").orElseThrow();
    assertThat(conflict.status()).isEqualTo(SettingStatus.CONFLICT);
    assertThat(conflict.message()).contains("'2046'", "'8191'", "'" + somaxconnBefore + "'");
    assertThat(netns.exec("cat", "/proc/sys/net/core/somaxconn").stdout().strip())
        .isEqualTo("2046");
    assertThat(restored.setting("net.ipv4.tcp_fin_timeout").orElseThrow().status())
        .isEqualTo(SettingStatus.APPLIED);
    assertThat(store.read("net.ipv4.tcp_fin_timeout")).hasValue(finBefore);
  }
}
