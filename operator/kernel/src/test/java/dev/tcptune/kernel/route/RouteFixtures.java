package dev.tcptune.kernel.route;

import dev.tcptune.kernel.apply.ApplyReport;
import dev.tcptune.kernel.apply.RouteResult;
import dev.tcptune.kernel.exec.CommandRunner;
import dev.tcptune.kernel.testing.TestNetns;
import java.util.List;

/**
 * The routes the batch tests change: a veth pair in the test's namespace, IPv4 routes with {@code
 * mtu lock 1400} and IPv6 routes with {@code metric 77} through it (attributes a change must keep).
 */
final class RouteFixtures {

  private RouteFixtures() {}

  /**
   * Adds {@code b0}/{@code b1}, {@code NET.1/24} and {@code fdNET::1/64} on b0 and the routes.
   *
   * @param net the second octet of the IPv4 addresses and the IPv6 prefix, e.g. 30 for 10.30.0.0
   */
  static void addRoutes(TestNetns netns, int net, List<String> v4, List<String> v6) {
    netns.exec("ip", "link", "add", "b0", "type", "veth", "peer", "name", "b1");
    netns.exec("ip", "link", "set", "b0", "addrgenmode", "none", "up");
    netns.exec("ip", "link", "set", "b1", "addrgenmode", "none", "up");
    netns.exec("ip", "addr", "add", "10." + net + ".0.1/24", "dev", "b0");
    netns.exec("ip", "-6", "addr", "add", "fd" + net + "::1/64", "dev", "b0", "nodad");
    for (String dst : v4) {
      netns.exec(
          "ip",
          "route",
          "add",
          dst,
          "via",
          "10." + net + ".0.2",
          "dev",
          "b0",
          "mtu",
          "lock",
          "1400");
    }
    for (String dst : v6) {
      netns.exec(
          "ip", "-6", "route", "add", dst, "via", "fd" + net + "::2", "dev", "b0", "metric", "77");
    }
  }

  /** The namespace's runner, noting the argv of every process it starts in {@code processes}. */
  static CommandRunner recording(TestNetns netns, List<List<String>> processes) {
    return (argv, stdin) -> {
      processes.add(argv);
      return netns.runner().run(argv, stdin);
    };
  }

  /** The route's line as {@code ip route show exact} prints it now. */
  static String line(TestNetns netns, String dst) {
    String flag = dst.contains(":") ? "-6" : "-4";
    return netns.exec("ip", flag, "route", "show", "exact", dst).stdout().strip();
  }

  /** The result of the rule for {@code dst} in {@code report}. */
  static RouteResult result(ApplyReport report, String dst) {
    return report.routes().stream()
        .filter(r -> r.rule().startsWith(dst + " "))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no result for " + dst + " in " + report));
  }
}
