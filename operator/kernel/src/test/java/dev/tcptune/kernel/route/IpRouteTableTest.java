package dev.tcptune.kernel.route;

import static dev.tcptune.kernel.TestResources.text;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tcptune.kernel.exec.CommandResult;
import dev.tcptune.kernel.exec.CommandRunner;
import dev.tcptune.kernel.exec.NetworkNamespace;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.OptionalInt;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * IpRouteTable against a scripted {@code ip}: which processes it runs, what it feeds {@code ip
 * -batch}, and how it maps failures to routes.
 */
class IpRouteTableTest {

  private static final List<String> BATCH_V4 =
      List.of("ip", "netns", "exec", "tcpt-x", "ip", "-4", "-d", "-force", "-batch", "-");

  private final List<List<String>> calls = new ArrayList<>();
  private final List<String> stdins = new ArrayList<>();
  private int changeExit = 0;
  private String ipv4 = text("route/netns-ipv4.txt");

  /** Lines of the next batch that fail; cleared once used, so a put-back succeeds. */
  private Set<Integer> failingLines = new HashSet<>();

  /** Whether the next failing line ends ip altogether, as a parse error of ip does. */
  private boolean failureStopsIp;

  private final CommandRunner fake =
      (argv, stdin) -> {
        calls.add(argv);
        stdins.add(stdin);
        if (argv.contains("-batch")) {
          return batch(argv, stdin);
        }
        if (argv.contains("show")) {
          return new CommandResult(argv, 0, listing(argv), "");
        }
        return new CommandResult(
            argv, changeExit, "", changeExit == 0 ? "" : "RTNETLINK answers: No such process");
      };

  private String listing(List<String> argv) {
    return argv.contains("-6") ? text("route/netns-ipv6.txt") : ipv4;
  }

  private CommandResult batch(List<String> argv, String stdin) {
    List<String> lines = stdin.lines().toList();
    Set<Integer> failing = failingLines;
    failingLines = new HashSet<>();
    StringBuilder err = new StringBuilder();
    String out = "";
    int exit = 0;
    for (int n = 1; n <= lines.size(); n++) {
      if (failing.contains(n) && failureStopsIp) {
        return new CommandResult(
            argv, 255, out, "Error: either \"to\" is duplicate, or \"x\" is a garbage.\n");
      }
      if (failing.contains(n)) {
        err.append("RTNETLINK answers: No such process\nCommand failed -:").append(n).append('\n');
        exit = 1;
      } else if (lines.get(n - 1).startsWith("route show")) {
        out = listing(argv);
      }
    }
    return new CommandResult(argv, exit, out, err.toString());
  }

  private final IpRouteTable table = new IpRouteTable(fake, NetworkNamespace.named("tcpt-x"));

  private Route route(String dst) {
    return table.routes().stream().filter(r -> r.dst().equals(dst)).findFirst().orElseThrow();
  }

  private static RouteChange change(Route route, int millis) {
    return new RouteChange(route, OptionalInt.of(millis));
  }

  @Test
  void readsBothFamiliesInsideTheNamespace() {
    assertThat(table.routes()).hasSize(27);
    assertThat(calls)
        .containsExactly(
            List.of(
                "ip", "netns", "exec", "tcpt-x", "ip", "-4", "-d", "route", "show", "table", "all"),
            List.of(
                "ip", "netns", "exec", "tcpt-x", "ip", "-6", "-d", "route", "show", "table",
                "all"));
  }

  @Test
  void everyChangeOfAFamilyGoesToOneBatchWhoseListingIsTheReadBack() {
    Route r3 = route("10.3.0.0/24");
    Route r4 = route("10.4.0.0/24");
    Route lo = route("127.0.0.1");
    Route v6 = route("fd02::/64");
    calls.clear();
    stdins.clear();

    RouteChanges changes =
        table.setRtoMin(List.of(change(r3, 20), change(r4, 30), change(lo, 40), change(v6, 50)));

    assertThat(calls)
        .containsExactly(
            BATCH_V4,
            List.of("ip", "netns", "exec", "tcpt-x", "ip", "-6", "-d", "-force", "-batch", "-"));
    assertThat(stdins.get(0).lines().toList())
        .containsExactly(
            "route change unicast 10.3.0.0/24 dev t0 table main proto boot scope link mtu lock 1400"
                + " initcwnd 10 rto_min 20ms",
            "route change unicast 10.4.0.0/24 dev t0 table main proto boot scope link realm 5"
                + " rto_min 30ms",
            "route change local 127.0.0.1 dev lo table local proto kernel scope host src 127.0.0.1"
                + " rto_min 40ms",
            "route show table all");
    assertThat(changes.outcomes().keySet()).containsExactly(r3, r4, lo, v6);
    assertThat(changes.outcomes().values()).allMatch(RouteChangeOutcome::succeeded);
    assertThat(changes.outcome(r4).readBack()).hasValue(r4);
    assertThat(changes.readBack())
        .hasValueSatisfying(s -> assertThat(s.covers(EnumSet.allOf(IpFamily.class))).isTrue());
    assertThat(changes.readBack().orElseThrow().routes()).hasSize(27);
  }

  @Test
  void aFailingLineFailsItsRouteOnlyNamingTheRouteTheValueAndTheKernelError() {
    Route r3 = route("10.3.0.0/24");
    Route lo = route("127.0.0.1");
    Route r4 = route("10.4.0.0/24");
    calls.clear();
    failingLines.add(2);

    RouteChanges changes = table.setRtoMin(List.of(change(r3, 20), change(lo, 20), change(r4, 20)));

    assertThat(calls).containsExactly(BATCH_V4);
    assertThat(changes.outcome(r3).succeeded()).isTrue();
    assertThat(changes.outcome(r4).succeeded()).isTrue();
    assertThat(changes.outcome(lo).error())
        .hasValueSatisfying(
            e ->
                assertThat(e)
                    .contains("local/127.0.0.1/32/lo", "20ms", "line 2", "No such process"));
    assertThat(changes.readBack()).isPresent();
  }

  @Test
  void theSingleRouteFormThrowsTheRoutesError() {
    Route lo = route("127.0.0.1");
    failingLines.add(1);
    assertThatThrownBy(() -> table.setRtoMin(lo, OptionalInt.of(20)))
        .isInstanceOf(RouteChangeException.class)
        .hasMessageContaining("local/127.0.0.1/32/lo")
        .hasMessageContaining("20ms")
        .hasMessageContaining("No such process");
  }

  @Test
  void aBatchThatStopsEarlyIsReadBackByItsOwnListingAndUnsetRoutesFail() {
    Route r4 = route("10.4.0.0/24");
    Route r9 = route("10.9.0.0/24"); // already at 50ms: whatever ran, it reads back as wanted
    calls.clear();
    failingLines.add(1);
    failureStopsIp = true;

    RouteChanges changes = table.setRtoMin(List.of(change(r4, 20), change(r9, 50)));

    assertThat(calls)
        .containsExactly(
            BATCH_V4,
            List.of(
                "ip", "netns", "exec", "tcpt-x", "ip", "-4", "-d", "route", "show", "table",
                "all"));
    assertThat(changes.outcome(r4).error())
        .hasValueSatisfying(
            e -> assertThat(e).contains("main/10.4.0.0/24/t0", "not set", "exit 255", "garbage"));
    assertThat(changes.outcome(r9).succeeded()).isTrue();
    assertThat(changes.readBack())
        .hasValueSatisfying(s -> assertThat(s.covers(IpFamily.INET)).isTrue());
  }

  @Test
  void aRefusedRouteIsNeverChanged() {
    Route multipath = route("10.5.0.0/24");
    calls.clear();
    assertThatThrownBy(() -> table.setRtoMin(multipath, OptionalInt.of(20)))
        .isInstanceOf(RouteChangeException.class)
        .hasMessageContaining("multipath");
    assertThat(calls).isEmpty();
  }

  @Test
  void aChangeThatMovedAnotherAttributeIsUndoneAndReported() {
    Route locked = route("10.3.0.0/24");
    Route other = route("10.4.0.0/24");
    // What the kernel would show had the lock been lost.
    ipv4 = ipv4.replace("mtu lock 1400", "mtu 1400");
    calls.clear();
    stdins.clear();

    RouteChanges changes = table.setRtoMin(List.of(change(locked, 20), change(other, 20)));

    assertThat(changes.outcome(locked).error())
        .hasValueSatisfying(
            e ->
                assertThat(e)
                    .contains(
                        "did not keep the other attributes",
                        "mtu lock 1400",
                        "original route was put back"));
    assertThat(changes.outcome(other).succeeded()).isTrue();
    assertThat(calls).containsExactly(BATCH_V4, BATCH_V4);
    assertThat(stdins.get(0)).contains("mtu lock 1400 initcwnd 10 rto_min 20ms");
    assertThat(stdins.get(1).lines().toList())
        .containsExactly(
            "route change unicast 10.3.0.0/24 dev t0 table main proto boot scope link mtu lock 1400"
                + " initcwnd 10",
            "route show table all");
  }

  @Test
  void aRouteWhoseWordsCannotBeABatchLineGetsAProcessOfItsOwn() {
    // '#' starts a comment in a batch line; Linux allows it in a device name.
    ipv4 += "unicast 10.20.0.0/24 dev e#0 table main proto boot scope link \n";
    Route odd = route("10.20.0.0/24");
    calls.clear();
    stdins.clear();

    RouteChanges changes = table.setRtoMin(List.of(change(odd, 20)));

    assertThat(calls.get(0))
        .containsSequence("ip", "-4", "route", "change", "unicast", "10.20.0.0/24", "dev", "e#0")
        .endsWith("rto_min", "20ms");
    assertThat(calls.get(1)).isEqualTo(BATCH_V4);
    assertThat(stdins.get(1)).isEqualTo("route show table all\n");
    assertThat(changes.outcome(odd).succeeded()).isTrue();
  }

  @Test
  void aRouteNamedTwiceInOneBatchIsRejected() {
    Route lo = route("127.0.0.1");
    assertThatThrownBy(() -> table.setRtoMin(List.of(change(lo, 20), change(lo, 30))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("local/127.0.0.1/32/lo");
  }
}
