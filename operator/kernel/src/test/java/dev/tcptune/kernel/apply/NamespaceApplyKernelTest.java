package dev.tcptune.kernel.apply;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tcptune.kernel.catalog.KernelVersion;
import dev.tcptune.kernel.route.IpRouteTable;
import dev.tcptune.kernel.route.RouteRule;
import dev.tcptune.kernel.sysctl.ProcSysctlStore;
import dev.tcptune.kernel.sysctl.SysctlStore;
import dev.tcptune.kernel.testing.NetnsApplyMain;
import dev.tcptune.kernel.testing.Poll;
import dev.tcptune.kernel.testing.TestNetns;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The agent's own write path on the real kernel: a child JVM inside a namespace checks that it is
 * in the namespace it was told to tune and writes /proc/sys directly ({@link
 * ProcSysctlStore#current()}, no process per key). The host must not change, and a process in the
 * wrong namespace must refuse.
 */
@Tag("kernel")
class NamespaceApplyKernelTest {

  private static final List<String> KEYS =
      List.of("net.core.somaxconn", "net.ipv4.tcp_fin_timeout", "net.ipv4.tcp_keepalive_time");

  @RegisterExtension final TestNetns netns = new TestNetns();

  private record Run(int exit, String output) {}

  private Run java(boolean insideNamespace, String... args) throws Exception {
    return java(insideNamespace, List.of(), args);
  }

  /** A child JVM started through {@code launcher} (e.g. {@code setpriv ... --}). */
  private Run java(boolean insideNamespace, List<String> launcher, String... args)
      throws Exception {
    List<String> argv = new ArrayList<>(launcher);
    argv.addAll(
        List.of(
            Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "-XX:TieredStopAtLevel=1",
            "-cp",
            System.getProperty("java.class.path"),
            NetnsApplyMain.class.getName()));
    argv.addAll(List.of(args));
    List<String> command = insideNamespace ? netns.namespace().wrap(argv) : argv;
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("child JVM finished").isTrue();
    return new Run(
        p.exitValue(), new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
  }

  private static Map<String, String> hostValues() throws IOException {
    Map<String, String> values = new LinkedHashMap<>();
    for (String key : KEYS) {
      values.put(key, ProcSysctlStore.current().read(key).orElseThrow());
    }
    values.put("kernel.core_pattern", Files.readString(Path.of("/proc/sys/kernel/core_pattern")));
    return values;
  }

  private String hostReference() {
    return "/proc/" + ProcessHandle.current().pid() + "/ns/net";
  }

  @Test
  void childJvmInTheNamespaceWritesProcSysDirectlyAndTheHostStaysUnchanged() throws Exception {
    Map<String, String> hostBefore = hostValues();
    Run run =
        java(
            true,
            "--netns",
            netns.name(),
            "net.core.somaxconn=8191",
            "net.ipv4.tcp_fin_timeout=33",
            "net.ipv4.tcp_keepalive_time=601");

    assertThat(run.exit()).as(run.output()).isZero();
    assertThat(run.output())
        .contains(
            "net.core.somaxconn APPLIED 8191",
            "net.ipv4.tcp_fin_timeout APPLIED 33",
            "net.ipv4.tcp_keepalive_time APPLIED 601");
    assertThat(netns.exec("cat", "/proc/sys/net/core/somaxconn").stdout().strip())
        .isEqualTo("8191");
    assertThat(netns.exec("cat", "/proc/sys/net/ipv4/tcp_fin_timeout").stdout().strip())
        .isEqualTo("33");
    assertThat(netns.exec("cat", "/proc/sys/net/ipv4/tcp_keepalive_time").stdout().strip())
        .isEqualTo("601");
    assertThat(hostValues()).isEqualTo(hostBefore);
  }

  @Test
  void processOutsideTheNamedNamespaceRefusesAndWritesNothing() throws Exception {
    Map<String, String> hostBefore = hostValues();
    Run run = java(false, "--netns", netns.name(), "net.core.somaxconn=8191");

    assertThat(run.exit()).as(run.output()).isEqualTo(3);
    assertThat(run.output())
        .contains(
            "not in network namespace '" + netns.name() + "'",
            "ip netns exec " + netns.name(),
            "namespace of the writing process");
    assertThat(hostValues()).isEqualTo(hostBefore);
  }

  @Test
  void hostModeRefusesInsideAnotherNamespaceAndAcceptsTheHost() throws Exception {
    Map<String, String> nsBefore =
        Map.of("somaxconn", netns.exec("cat", "/proc/sys/net/core/somaxconn").stdout());
    Run inside = java(true, "--host", hostReference(), "net.core.somaxconn=8191");
    assertThat(inside.exit()).as(inside.output()).isEqualTo(3);
    assertThat(inside.output()).contains("not in the host's network namespace", "hostNetwork");
    assertThat(netns.exec("cat", "/proc/sys/net/core/somaxconn").stdout())
        .isEqualTo(nsBefore.get("somaxconn"));

    Run outside = java(false, "--host", hostReference(), "--check");
    assertThat(outside.exit()).as(outside.output()).isZero();
    assertThat(outside.output()).contains("OK");
  }

  /** uid 0 with CAP_NET_ADMIN alone: every other capability dropped, also for children. */
  static final List<String> NET_ADMIN_ONLY =
      List.of(
          "setpriv",
          "--inh-caps=-all,+net_admin",
          "--ambient-caps=-all,+net_admin",
          "--bounding-set=-all,+net_admin",
          "--no-new-privs",
          "--");

  @Test
  void withNetAdminAloneHostModeStillTellsTheHostFromAnotherNamespace() throws Exception {
    // /proc/1/ns/net needs ptrace access to init, which CAP_NET_ADMIN alone does not give: the
    // guard identifies the host by the initial namespace's fixed inode (Linux 6.18+) or by the
    // namespaces' own /proc/net entries.
    Run inside = java(true, NET_ADMIN_ONLY, "--host", "/proc/1/ns/net", "net.core.somaxconn=8191");
    assertThat(inside.exit()).as(inside.output()).isEqualTo(3);
    assertThat(inside.output()).contains("not in the host's network namespace", "hostNetwork");
    assertThat(netns.exec("cat", "/proc/sys/net/core/somaxconn").stdout().strip())
        .isEqualTo("4096");

    Run outside = java(false, NET_ADMIN_ONLY, "--host", "/proc/1/ns/net", "--check");
    assertThat(outside.exit()).as(outside.output()).isZero();
    assertThat(outside.output()).contains("OK");
  }

  @Test
  void withoutPtraceAccessTheReferenceIsComparedThroughProcNet() throws Exception {
    // Kernels before 6.18 have no fixed inode for the host's namespace: the guard compares with
    // the reference process's namespace. Its ns/net cannot be opened without ptrace access (it
    // holds every capability, the child NET_ADMIN alone), so /proc/PID/net decides, both ways.
    Process sleeper = netns.start(List.of("sleep", "600"));
    Path comm = Path.of("/proc", String.valueOf(sleeper.pid()), "comm");
    // Until `ip netns exec` has entered the namespace and exec'd sleep.
    Poll.until(
        Duration.ofSeconds(10),
        "sleep started in " + netns.name(),
        () -> {
          try {
            return Optional.of(Files.readString(comm).strip()).filter("sleep"::equals);
          } catch (IOException e) {
            return Optional.empty();
          }
        });
    String sameNamespace = "/proc/" + sleeper.pid() + "/ns/net";

    Run same = java(true, NET_ADMIN_ONLY, "--host", sameNamespace, "--check");
    assertThat(same.exit()).as(same.output()).isZero();
    assertThat(same.output()).contains("OK");

    Run other = java(true, NET_ADMIN_ONLY, "--host", hostReference(), "--check");
    assertThat(other.exit()).as(other.output()).isEqualTo(3);
    assertThat(other.output()).contains("not in the host's network namespace");
  }

  @Test
  void hostileDesiredStateWritesNothingAnywhere() throws Exception {
    Map<String, String> hostBefore = hostValues();
    SysctlStore store = ProcSysctlStore.forNamespace(netns.namespace(), netns.runner());
    Map<String, Optional<String>> nsBefore = new LinkedHashMap<>();
    KEYS.forEach(k -> nsBefore.put(k, store.read(k)));
    String nsCorePattern = netns.exec("cat", "/proc/sys/kernel/core_pattern").stdout();
    IpRouteTable routes = new IpRouteTable(netns.runner(), netns.namespace());
    String routesBefore = netns.exec("ip", "-d", "route", "show", "table", "all").stdout();

    DesiredState hostile =
        new DesiredState(
            List.of(
                DesiredSetting.enforce("net.core.somaxconn", "8191"),
                DesiredSetting.enforce("kernel.core_pattern", "|/bin/sh -c id"),
                DesiredSetting.enforce("../../kernel/core_pattern", "|/bin/sh -c id"),
                DesiredSetting.enforce("net/../../kernel/core_pattern", "x"),
                DesiredSetting.enforce("net.ipv4.tcp_fin_timeout", "1"),
                DesiredSetting.enforce("net.ipv4.tcp_keepalive_time", "600 |/bin/sh")),
            List.of(
                DesiredRoute.enforce(RouteRule.to("127.0.0.1", 20)),
                DesiredRoute.enforce(new RouteRule("127.0.0.1", Optional.of("-netns"), 20)),
                DesiredRoute.enforce(RouteRule.to("127.0.0.1", 5000))));
    Plan plan = new TuningPlanner().plan(hostile, store, routes, KernelVersion.running());
    ApplyReport report =
        new TuningApplier(store, routes).apply(plan, new InMemoryOriginalsJournal());

    assertThat(report.settings())
        .extracting(SettingResult::status)
        .containsOnly(SettingStatus.INVALID);
    assertThat(report.routes()).extracting(RouteResult::status).containsOnly(SettingStatus.INVALID);
    KEYS.forEach(k -> assertThat(store.read(k)).as(k).isEqualTo(nsBefore.get(k)));
    assertThat(netns.exec("cat", "/proc/sys/kernel/core_pattern").stdout())
        .isEqualTo(nsCorePattern);
    assertThat(netns.exec("ip", "-d", "route", "show", "table", "all").stdout())
        .isEqualTo(routesBefore);
    assertThat(hostValues()).isEqualTo(hostBefore);
  }
}
