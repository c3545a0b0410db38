package dev.tcptune.kernel.route;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tcptune.kernel.apply.ApplyReport;
import dev.tcptune.kernel.apply.DesiredState;
import dev.tcptune.kernel.apply.InMemoryOriginalsJournal;
import dev.tcptune.kernel.apply.Mode;
import dev.tcptune.kernel.apply.SettingStatus;
import dev.tcptune.kernel.apply.TuningApplier;
import dev.tcptune.kernel.apply.TuningPlanner;
import dev.tcptune.kernel.apply.TuningRestorer;
import dev.tcptune.kernel.catalog.KernelVersion;
import dev.tcptune.kernel.sysctl.ProcSysctlStore;
import dev.tcptune.kernel.testing.Poll;
import dev.tcptune.kernel.testing.TestNetns;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Per-route rto_min on a veth route and on the namespace's loopback route, seen by live sockets.
 */
@Tag("kernel")
class RouteKernelTest {

  private static final Pattern RTO = Pattern.compile("\\brto:(\\d+(?:\\.\\d+)?)");

  @RegisterExtension final TestNetns netns = new TestNetns();

  private IpRouteTable table() {
    return new IpRouteTable(netns.runner(), netns.namespace());
  }

  private Route route(String id) {
    return table().routes().stream()
        .filter(r -> r.id().equals(id))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no route " + id + " in " + table().routes()));
  }

  @Test
  void rtoMinOnAVethRouteKeepsEveryOtherAttribute() throws Exception {
    int octet = ThreadLocalRandom.current().nextInt(1, 250);
    String dev = netns.addVeth("10.213." + octet + ".2/30");
    netns.exec(
        "ip",
        "route",
        "add",
        "10.213.250.0/24",
        "via",
        "10.213." + octet + ".1",
        "dev",
        dev,
        "proto",
        "static",
        "metric",
        "50",
        "mtu",
        "1400");
    String id = "main/10.213.250.0/24/" + dev + "/50";
    Route before = route(id);
    assertThat(before.rtoMinMillis()).isEmpty();

    table().setRtoMin(before, OptionalInt.of(50));
    Route after = route(id);
    assertThat(after).isEqualTo(before.withRtoMin(OptionalInt.of(50)));
    assertThat(netns.exec("ip", "route", "show", "10.213.250.0/24").stdout())
        .contains("rto_min lock 50ms", "mtu 1400");

    table().setRtoMin(after, OptionalInt.empty());
    assertThat(route(id)).isEqualTo(before);
  }

  @Test
  void loopbackRtoMinLowersTheRtoOfNewConnections() {
    String loId = "local/127.0.0.1/32/lo";
    int portBefore = 20000 + ThreadLocalRandom.current().nextInt(1000);
    netns.startPeer("pair", String.valueOf(portBefore));
    double rtoBefore = rtoOf(portBefore);
    assertThat(rtoBefore).isGreaterThanOrEqualTo(200.0);

    InMemoryOriginalsJournal journal = new InMemoryOriginalsJournal();
    DesiredState desired =
        DesiredState.of(
            Map.of(), List.of(new RouteRule("127.0.0.1", Optional.of("lo"), 20)), Mode.ENFORCE);
    var store = ProcSysctlStore.forNamespace(netns.namespace(), netns.runner());
    var plan = new TuningPlanner().plan(desired, store, table(), KernelVersion.running());
    ApplyReport report = new TuningApplier(store, table()).apply(plan, journal);
    assertThat(report.routes())
        .singleElement()
        .satisfies(
            r -> {
              assertThat(r.status()).as(r.message()).isEqualTo(SettingStatus.APPLIED);
              assertThat(r.routeId()).hasValue(loId);
            });
    assertThat(route(loId).rtoMinMillis()).isEqualTo(OptionalInt.of(20));

    int portAfter = portBefore + 1000;
    netns.startPeer("pair", String.valueOf(portAfter));
    double rtoAfter = rtoOf(portAfter);
    assertThat(rtoAfter).isLessThan(100.0);

    ApplyReport restored = new TuningRestorer().restore(journal, store, table());
    assertThat(restored.fullyApplied()).isTrue();
    assertThat(route(loId).rtoMinMillis()).isEmpty();
    assertThat(route(loId).type()).isEqualTo("local");
  }

  /** The {@code rto:} of the established connection on {@code port}, from {@code ss -tin}. */
  private double rtoOf(int port) {
    return Poll.until(
        Duration.ofSeconds(30),
        "an established connection on port " + port,
        () -> {
          String out =
              netns
                  .runner()
                  .run(
                      netns
                          .namespace()
                          .wrap(
                              List.of(
                                  "ss",
                                  "-tin",
                                  "state",
                                  "established",
                                  "(",
                                  "sport",
                                  "=",
                                  ":" + port,
                                  ")")))
                  .stdout();
          Matcher m = RTO.matcher(out);
          return m.find() ? Optional.of(Double.parseDouble(m.group(1))) : Optional.empty();
        });
  }
}
