package dev.tcptune.kernel.route;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tcptune.kernel.apply.ApplyReport;
import dev.tcptune.kernel.apply.DesiredState;
import dev.tcptune.kernel.apply.InMemoryOriginalsJournal;
import dev.tcptune.kernel.apply.Mode;
import dev.tcptune.kernel.apply.RouteResult;
import dev.tcptune.kernel.apply.SettingStatus;
import dev.tcptune.kernel.apply.TuningApplier;
import dev.tcptune.kernel.apply.TuningPlanner;
import dev.tcptune.kernel.apply.TuningRestorer;
import dev.tcptune.kernel.catalog.KernelVersion;
import dev.tcptune.kernel.sysctl.InMemorySysctlStore;
import dev.tcptune.kernel.testing.TestNetns;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A route change touches nothing but {@code rto_min}: a matrix of route shapes in a namespace, one
 * rule per route through planner and applier, then {@code ip -d route show table all} compared with
 * the output before, and a restore compared with the exact original output. Shapes tcptune cannot
 * give back to {@code ip route change} must be refused and left alone.
 */
@Tag("kernel")
class RouteRoundTripKernelTest {

  /** Destination to the {@code ip route add} arguments after it; all through veth {@code t0}. */
  private static final Map<String, String> CHANGEABLE = new LinkedHashMap<>();

  /** Destination to arguments, for routes that must be refused (and stay untouched). */
  private static final Map<String, String> REFUSED = new LinkedHashMap<>();

  static {
    CHANGEABLE.put("10.2.0.0/24", "via inet6 fd00::2 dev t0");
    CHANGEABLE.put("10.3.0.0/24", "dev t0 mtu lock 1400 initcwnd 10");
    CHANGEABLE.put("10.4.0.0/24", "dev t0 realm 5");
    CHANGEABLE.put(
        "10.6.0.0/24",
        "dev t0 features ecn src 10.1.0.1 proto static scope link metric 7 table 100");
    CHANGEABLE.put("10.7.0.0/24", "via 10.9.9.9 dev t0 onlink");
    CHANGEABLE.put(
        "10.8.0.0/24",
        "dev t0 congctl lock cubic advmss 1000 quickack 1 fastopen_no_cookie 1 rtt 10ms rttvar 5ms"
            + " ssthresh 10 cwnd 20 reordering 3 hoplimit 32 initrwnd 20 window 1000");
    CHANGEABLE.put("10.9.0.0/24", "dev t0 rto_min 50ms initcwnd 4");
    CHANGEABLE.put(
        "10.11.0.0/24", "via 10.1.0.2 dev t0 proto 77 scope global metric 100 table 200");
    CHANGEABLE.put(
        "fd02::/64", "via fd00::2 dev t0 metric 512 pref high mtu lock 1300 initcwnd 20");
    CHANGEABLE.put("fd03::/64", "dev t0 src fd00::1 proto static hoplimit 9");
    REFUSED.put("fd01::/64", "dev t0 expires 3000");
    REFUSED.put("10.5.0.0/24", "nexthop via 10.1.0.2 dev t0 nexthop via 10.1.0.3 dev t0");
    REFUSED.put("10.12.0.0/24", "nhid 5");
  }

  @RegisterExtension final TestNetns netns = new TestNetns();

  private IpRouteTable table;

  @BeforeEach
  void routes() {
    table = new IpRouteTable(netns.runner(), netns.namespace());
    netns.exec("ip", "link", "add", "t0", "type", "veth", "peer", "name", "t1");
    // No link-local addresses: they would appear (and add routes) while the test compares.
    netns.exec("ip", "link", "set", "t0", "addrgenmode", "none", "up");
    netns.exec("ip", "link", "set", "t1", "addrgenmode", "none", "up");
    netns.exec("ip", "addr", "add", "10.1.0.1/24", "dev", "t0");
    netns.exec("ip", "-6", "addr", "add", "fd00::1/64", "dev", "t0", "nodad");
    netns.exec("ip", "nexthop", "add", "id", "5", "via", "10.1.0.2", "dev", "t0");
    for (Map<String, String> shapes : List.of(CHANGEABLE, REFUSED)) {
      shapes.forEach(
          (dst, args) -> {
            List<String> argv = new ArrayList<>(List.of("ip", "route", "add", dst));
            argv.addAll(Arrays.asList(args.split(" ")));
            netns.exec(argv.toArray(String[]::new));
          });
    }
  }

  /** {@code ip -d route show table all}, both families, as an operator would compare it. */
  private List<String> show() {
    return netns.exec("ip", "-d", "route", "show", "table", "all").stdout().lines().toList();
  }

  /**
   * Each line without its {@code rto_min}, and with the countdown of {@code expires} (which moves
   * by itself between two reads) masked.
   */
  private static List<String> withoutRtoMin(List<String> lines) {
    return lines.stream()
        .map(
            l ->
                l.replaceAll(" rto_min (lock )?\\S+", "")
                    .replaceAll("expires \\d+sec", "expires Nsec")
                    .stripTrailing())
        .toList();
  }

  private static String lineOf(List<String> lines, String dst) {
    return lines.stream()
        .filter(l -> l.split(" ")[1].equals(dst))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no route to " + dst + " in " + lines));
  }

  private ApplyReport apply(DesiredState desired, InMemoryOriginalsJournal journal) {
    var plan =
        new TuningPlanner()
            .plan(desired, new InMemorySysctlStore(), table, KernelVersion.running());
    return new TuningApplier(new InMemorySysctlStore(), table).apply(plan, journal);
  }

  @Test
  void everyShapeKeepsAllButRtoMinAndRestoreGivesBackTheExactLines() {
    List<String> before = show();
    List<RouteRule> rules = new ArrayList<>();
    CHANGEABLE.keySet().forEach(dst -> rules.add(RouteRule.to(dst, 20)));
    REFUSED.keySet().forEach(dst -> rules.add(RouteRule.to(dst, 20)));
    InMemoryOriginalsJournal journal = new InMemoryOriginalsJournal();

    ApplyReport report = apply(DesiredState.of(Map.of(), rules, Mode.ENFORCE), journal);

    List<String> after = show();
    assertThat(withoutRtoMin(after)).isEqualTo(withoutRtoMin(before));
    for (String dst : CHANGEABLE.keySet()) {
      assertThat(lineOf(after, dst)).as(dst).contains("rto_min lock 20ms");
    }
    assertThat(report.routes())
        .filteredOn(r -> CHANGEABLE.keySet().stream().anyMatch(d -> r.rule().startsWith(d + " ")))
        .hasSize(CHANGEABLE.size())
        .allSatisfy(r -> assertThat(r.status()).as(r.message()).isEqualTo(SettingStatus.APPLIED));
    for (String dst : REFUSED.keySet()) {
      assertThat(lineOf(after, dst)).as(dst).doesNotContain("rto_min");
      RouteResult refused =
          report.routes().stream()
              .filter(r -> r.rule().startsWith(dst + " "))
              .findFirst()
              .orElseThrow();
      assertThat(refused.status()).as(dst).isEqualTo(SettingStatus.UNSUPPORTED);
      assertThat(refused.message()).as(dst).containsAnyOf("expires", "multipath", "nexthop object");
    }

    ApplyReport restored = new TuningRestorer().restore(journal, new InMemorySysctlStore(), table);

    assertThat(restored.routes())
        .allSatisfy(r -> assertThat(r.status()).as(r.message()).isEqualTo(SettingStatus.APPLIED));
    List<String> back = show();
    assertThat(back.stream().filter(l -> !l.contains("expires")).toList())
        .isEqualTo(before.stream().filter(l -> !l.contains("expires")).toList());
    assertThat(lineOf(back, "10.9.0.0/24")).contains("rto_min lock 50ms");
    assertThat(journal.routes()).isEmpty();
  }

  @Test
  void aRouteViaAnIpv6GatewayStillRoutesThroughItAfterTheChange() throws Exception {
    Route route =
        table.routes().stream()
            .filter(r -> r.dst().equals("10.2.0.0/24"))
            .findFirst()
            .orElseThrow();
    table.setRtoMin(route, java.util.OptionalInt.of(30));
    assertThat(netns.exec("ip", "route", "get", "10.2.0.9").stdout())
        .contains("via inet6 fd00::2", "rto_min lock 30ms");
  }
}
