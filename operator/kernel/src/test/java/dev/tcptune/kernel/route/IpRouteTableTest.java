package dev.tcptune.kernel.route;

import static dev.tcptune.kernel.TestResources.text;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tcptune.kernel.exec.CommandResult;
import dev.tcptune.kernel.exec.CommandRunner;
import dev.tcptune.kernel.exec.NetworkNamespace;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

/** IpRouteTable against canned {@code ip} output: which argv it runs and how it reports errors. */
class IpRouteTableTest {

  private final List<List<String>> calls = new ArrayList<>();
  private int changeExit = 0;
  private String ipv4 = text("route/netns-ipv4.txt");

  private final CommandRunner fake =
      (argv, stdin) -> {
        calls.add(argv);
        if (argv.contains("show")) {
          return new CommandResult(
              argv, 0, argv.contains("-6") ? text("route/netns-ipv6.txt") : ipv4, "");
        }
        return new CommandResult(
            argv, changeExit, "", changeExit == 0 ? "" : "RTNETLINK answers: No such process");
      };

  private final IpRouteTable table = new IpRouteTable(fake, NetworkNamespace.named("tcpt-x"));

  private Route route(String dst) {
    return table.routes().stream().filter(r -> r.dst().equals(dst)).findFirst().orElseThrow();
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
  void kernelErrorsNameTheRouteTheValueAndTheError() {
    Route lo = route("127.0.0.1");
    changeExit = 2;
    assertThatThrownBy(() -> table.setRtoMin(lo, OptionalInt.of(20)))
        .isInstanceOf(RouteChangeException.class)
        .hasMessageContaining("local/127.0.0.1/32/lo")
        .hasMessageContaining("20ms")
        .hasMessageContaining("No such process");
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
  void aChangeThatMovedAnotherAttributeIsUndoneAndReported() throws Exception {
    Route locked = route("10.3.0.0/24");
    // What the kernel would show had the lock been lost.
    ipv4 = ipv4.replace("mtu lock 1400", "mtu 1400");
    calls.clear();
    assertThatThrownBy(() -> table.setRtoMin(locked, OptionalInt.of(20)))
        .isInstanceOf(RouteChangeException.class)
        .hasMessageContaining("did not keep the other attributes")
        .hasMessageContaining("mtu lock 1400")
        .hasMessageContaining("original route was put back");
    assertThat(calls)
        .contains(
            List.of(
                "ip",
                "netns",
                "exec",
                "tcpt-x",
                "ip",
                "-4",
                "-d",
                "route",
                "show",
                "table",
                "all",
                "exact",
                "10.3.0.0/24"));
    List<List<String>> changes = calls.stream().filter(c -> c.contains("change")).toList();
    assertThat(changes).hasSize(2);
    assertThat(changes.get(0)).contains("rto_min", "20ms");
    assertThat(changes.get(1)).containsSequence("mtu", "lock", "1400").doesNotContain("rto_min");
  }
}
