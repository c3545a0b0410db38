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

  private final CommandRunner fake =
      (argv, stdin) -> {
        calls.add(argv);
        if (argv.contains("show")) {
          String json =
              argv.contains("-6") ? text("route/netns-ipv6.json") : text("route/netns-ipv4.json");
          return new CommandResult(argv, 0, json, "");
        }
        return new CommandResult(
            argv, changeExit, "", changeExit == 0 ? "" : "RTNETLINK answers: No such process");
      };

  private final IpRouteTable table = new IpRouteTable(fake, NetworkNamespace.named("tcpt-x"));

  @Test
  void readsBothFamiliesInsideTheNamespace() {
    assertThat(table.routes()).hasSize(10);
    assertThat(calls)
        .containsExactly(
            List.of(
                "ip", "netns", "exec", "tcpt-x", "ip", "-4", "-json", "route", "show", "table",
                "all"),
            List.of(
                "ip", "netns", "exec", "tcpt-x", "ip", "-6", "-json", "route", "show", "table",
                "all"));
  }

  @Test
  void changeRebuildsTheRouteAndReportsKernelErrors() throws Exception {
    Route lo =
        table.routes().stream()
            .filter(r -> r.id().equals("local/127.0.0.1/32/lo"))
            .findFirst()
            .orElseThrow();
    table.setRtoMin(lo, OptionalInt.empty());
    assertThat(calls.get(calls.size() - 1))
        .startsWith("ip", "netns", "exec", "tcpt-x", "ip", "-4", "route", "change")
        .doesNotContain("rto_min");
    changeExit = 2;
    assertThatThrownBy(() -> table.setRtoMin(lo, OptionalInt.of(20)))
        .isInstanceOf(RouteChangeException.class)
        .hasMessageContaining("local/127.0.0.1/32/lo")
        .hasMessageContaining("20ms")
        .hasMessageContaining("No such process");
  }
}
