package dev.tcptune.bench.kernel;

import dev.tcptune.kernel.apply.AppliedPlan;
import dev.tcptune.kernel.apply.ApplyReport;
import dev.tcptune.kernel.apply.DesiredState;
import dev.tcptune.kernel.apply.InMemoryOriginalsJournal;
import dev.tcptune.kernel.apply.Plan;
import dev.tcptune.kernel.apply.SettingStatus;
import dev.tcptune.kernel.apply.TuningApplier;
import dev.tcptune.kernel.apply.TuningPlanner;
import dev.tcptune.kernel.apply.TuningVerifier;
import dev.tcptune.kernel.catalog.KernelVersion;
import dev.tcptune.kernel.exec.NetworkNamespace;
import dev.tcptune.kernel.exec.ProcessCommandRunner;
import dev.tcptune.kernel.route.IpRouteTable;
import dev.tcptune.kernel.sysctl.ProcSysctlStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * Item 1 of docs/benchmarks.md: a full profile (every catalog sysctl of this kernel plus two {@code
 * rto_min} routes) applied and verified by the agent's kernel layer, against {@code sysctl -p} of
 * the same keys plus {@code ip route change} of the same routes. Both alternate between two
 * variants that differ in every value, so every iteration writes everything. Runs inside the
 * namespace {@link KernelBench} made.
 */
@State(Scope.Benchmark)
@BenchmarkMode(org.openjdk.jmh.annotations.Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class ApplyBenchmark {

  private final FullProfile[] variants = {FullProfile.variant(0), FullProfile.variant(1)};
  private DesiredState[] desired;
  private DesiredState[] sysctlsOnly;
  private Path[] sysctlFiles;
  private ProcSysctlStore store;
  private IpRouteTable routes;
  private IpRouteTable oneShotRoutes;
  private TuningPlanner planner;
  private TuningApplier applier;
  private TuningApplier oneShotApplier;
  private TuningVerifier verifier;
  private KernelVersion kernel;
  private InMemoryOriginalsJournal journal;
  private int tcptuneTurn;
  private int sysctlsOnlyTurn;
  private int baselineTurn;
  private int sysctlTurn;

  @Setup
  public void setUp() throws IOException {
    InsideNamespace.require();
    desired = new DesiredState[] {variants[0].desired(), variants[1].desired()};
    sysctlsOnly =
        new DesiredState[] {
          DesiredState.ofSysctls(variants[0].sysctls()),
          DesiredState.ofSysctls(variants[1].sysctls())
        };
    sysctlFiles = new Path[2];
    for (int i = 0; i < 2; i++) {
      sysctlFiles[i] = Files.createTempFile("bench-sysctl-", ".conf");
      sysctlFiles[i].toFile().deleteOnExit();
      Files.writeString(sysctlFiles[i], variants[i].sysctlFile());
    }
    store = ProcSysctlStore.current();
    ProcessCommandRunner runner = new ProcessCommandRunner();
    routes =
        IpRouteTable.keepingIp(
            runner, NetworkNamespace.current(), ProcessCommandRunner.DEFAULT_TIMEOUT);
    oneShotRoutes = new IpRouteTable(runner, NetworkNamespace.current());
    planner = new TuningPlanner();
    applier = new TuningApplier(store, routes);
    oneShotApplier = new TuningApplier(store, oneShotRoutes);
    verifier = new TuningVerifier(planner);
    kernel = KernelVersion.running();
    journal = new InMemoryOriginalsJournal();
  }

  /**
   * What the agent does for a changed spec: plan, apply (journaling originals), verify; the verify
   * reuses the routes the apply's {@code ip -batch} read back.
   */
  @Benchmark
  public ApplyReport tcptuneApplyAndVerify() {
    return applyAndVerify(desired[tcptuneTurn++ & 1]);
  }

  /**
   * The same with one {@code ip} process started per listing and batch, as the CLI does: what the
   * agent did before it kept its {@code ip} processes.
   */
  @Benchmark
  public ApplyReport tcptuneApplyAndVerifyOneShotIp() {
    return applyAndVerify(desired[tcptuneTurn++ & 1], oneShotRoutes, oneShotApplier);
  }

  private ApplyReport applyAndVerify(DesiredState want) {
    return applyAndVerify(want, routes, applier);
  }

  private ApplyReport applyAndVerify(
      DesiredState want, IpRouteTable routes, TuningApplier applier) {
    Plan plan = planner.plan(want, store, routes, kernel);
    AppliedPlan applied = applier.applyAndReadBack(plan, journal);
    ApplyReport verified = verifier.verifyAfter(applied, want, store, routes, kernel, journal);
    requireInPlace(applied.report(), verified);
    return verified;
  }

  @TearDown
  public void tearDown() {
    routes.close();
  }

  /** The sysctl part alone, to set against {@link #sysctlP}: no `ip` process is involved. */
  @Benchmark
  public ApplyReport tcptuneSysctlsOnly() {
    return applyAndVerify(sysctlsOnly[sysctlsOnlyTurn++ & 1]);
  }

  /** What a hand-written DaemonSet does: {@code sysctl -p FILE} and one {@code ip} per route. */
  @Benchmark
  public int sysctlPPlusIpRouteChange() throws Exception {
    int turn = baselineTurn++ & 1;
    int exit = exec(List.of("sysctl", "-q", "-p", sysctlFiles[turn].toString()));
    for (List<String> change : variants[turn].ipRouteChanges()) {
      exit |= exec(change);
    }
    return exit;
  }

  /** {@code sysctl -p FILE} alone, the figure the target is set against. */
  @Benchmark
  public int sysctlP() throws Exception {
    return exec(List.of("sysctl", "-q", "-p", sysctlFiles[sysctlTurn++ & 1].toString()));
  }

  private static int exec(List<String> argv) throws Exception {
    Process p = new ProcessBuilder(argv).redirectErrorStream(true).start();
    p.getInputStream().readAllBytes();
    int exit = p.waitFor();
    if (exit != 0) {
      throw new IllegalStateException(argv + " exited " + exit);
    }
    return exit;
  }

  private static void requireInPlace(ApplyReport applied, ApplyReport verified) {
    applied.settings().stream()
        .filter(r -> r.status() != SettingStatus.APPLIED && r.status() != SettingStatus.IN_SYNC)
        .findFirst()
        .ifPresent(r -> fail("apply", r.toString()));
    verified.settings().stream()
        .filter(r -> r.status() != SettingStatus.IN_SYNC)
        .findFirst()
        .ifPresent(r -> fail("verify", r.toString()));
    verified.routes().stream()
        .filter(r -> r.status() != SettingStatus.IN_SYNC)
        .findFirst()
        .ifPresent(r -> fail("verify", r.toString()));
  }

  private static void fail(String step, String what) {
    throw new IllegalStateException(step + " did not put the profile in place: " + what);
  }
}
