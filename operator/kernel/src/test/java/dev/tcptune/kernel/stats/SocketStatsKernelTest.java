package dev.tcptune.kernel.stats;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tcptune.kernel.exec.CommandRunner;
import dev.tcptune.kernel.exec.NetworkNamespace;
import dev.tcptune.kernel.testing.NetnsPeer;
import dev.tcptune.kernel.testing.Poll;
import dev.tcptune.kernel.testing.TestNetns;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The seed article's experiment: an overflowed accept queue shows in that namespace only. */
@Tag("kernel")
class SocketStatsKernelTest {

  @RegisterExtension final TestNetns netns = new TestNetns();

  @Test
  void overflowedListenerRaisesListenOverflowsInItsNamespaceOnly() throws Exception {
    SocketStatsReader inside =
        new SocketStatsReader(netns.namespace(), netns.runner(), Clock.systemUTC());
    SocketStatsReader host =
        new SocketStatsReader(NetworkNamespace.current(), netns.runner(), Clock.systemUTC());
    int port = 30000 + ThreadLocalRandom.current().nextInt(1000);

    netns.startPeer("backlog", String.valueOf(port));
    Listener listener =
        Poll.until(
            Duration.ofSeconds(30),
            "listener on " + port,
            () -> inside.listeners().stream().filter(l -> l.port() == port).findFirst());
    assertThat(listener.backlog()).isEqualTo(1);
    assertThat(listener.localAddress()).isEqualTo("127.0.0.1");
    assertThat(inside.listenersBelow(4096)).contains(listener);

    SocketSnapshot nsBefore = inside.sample();
    SocketSnapshot hostBefore = host.sample();
    assertThat(nsBefore.state(TcpState.LISTEN)).isEqualTo(1);

    Process client = netns.startPeer("connect", String.valueOf(port), "50", "100");
    assertThat(client.waitFor(60, TimeUnit.SECONDS)).as("client finished").isTrue();

    SocketSnapshot nsAfter =
        Poll.until(
            Duration.ofSeconds(10),
            "ListenOverflows to rise",
            () -> {
              SocketSnapshot s = inside.sample();
              return s.listenOverflows() > nsBefore.listenOverflows()
                  ? Optional.of(s)
                  : Optional.empty();
            });
    SocketSnapshot hostAfter = host.sample();
    SocketRates nsRates = SocketRates.between(nsBefore, nsAfter);
    SocketRates hostRates = SocketRates.between(hostBefore, hostAfter);

    assertThat(nsRates.delta("TcpExt.ListenOverflows")).isPositive();
    assertThat(nsRates.delta("TcpExt.ListenDrops"))
        .isGreaterThanOrEqualTo(nsRates.delta("TcpExt.ListenOverflows"));
    assertThat(nsRates.rate("TcpExt.ListenOverflows")).isPositive();
    assertThat(hostRates.delta("TcpExt.ListenOverflows")).isZero();
    assertThat(nsAfter.counters())
        .containsKeys("Tcp.RetransSegs", "sockstat.TCP.inuse", "sockstat6.TCP6.inuse");
  }

  @Test
  void stateCountsComeFromCountersAndFilteredSsNeverFromProcNetTcp() throws Exception {
    List<List<String>> commands = new CopyOnWriteArrayList<>();
    CommandRunner recording =
        (argv, stdin) -> {
          commands.add(argv);
          return netns.runner().run(argv, stdin);
        };
    SocketStatsReader inside =
        new SocketStatsReader(netns.namespace(), recording, Clock.systemUTC());
    int port = 31000 + ThreadLocalRandom.current().nextInt(1000);
    int timeWait = 300;
    int closeWait = 25;

    Process peer =
        netns.start(
            List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:TieredStopAtLevel=1",
                "-cp",
                System.getProperty("java.class.path"),
                NetnsPeer.class.getName(),
                "states",
                String.valueOf(port),
                String.valueOf(timeWait),
                String.valueOf(closeWait)));
    String ready = new BufferedReader(new InputStreamReader(peer.getInputStream())).readLine();
    assertThat(ready).isEqualTo("ready");

    // The last server sockets reach TIME_WAIT when the kernel has handled the clients' FINs, which
    // under load can come after the peer says ready.
    SocketSnapshot s =
        Poll.until(
            Duration.ofSeconds(10),
            timeWait + " TIME_WAIT sockets",
            () -> Optional.of(inside.sample()).filter(x -> x.timeWait() >= timeWait));

    // Ground truth from ss, which walks every socket: fine in a test, not on a busy node.
    assertThat(s.timeWait()).isEqualTo(ssCount("time-wait")).isGreaterThanOrEqualTo(timeWait);
    assertThat(ssCount("time-wait", "-6")).as("IPv6 TIME_WAIT exist").isPositive();
    assertThat(s.closeWait()).isEqualTo(closeWait);
    assertThat(s.state(TcpState.FIN_WAIT2)).isEqualTo(closeWait);
    assertThat(s.state(TcpState.LISTEN)).isEqualTo(2);
    assertThat(s.state(TcpState.ESTABLISHED)).isEqualTo(ssCount("established")).isZero();
    assertThat(s.counter("Tcp.CurrEstab")).isEqualTo(closeWait);

    assertThat(commands)
        .as("no read of /proc/net/tcp or tcp6")
        .noneMatch(argv -> argv.stream().anyMatch(a -> a.startsWith("/proc/net/tcp")));
    assertThat(commands)
        .anySatisfy(argv -> assertThat(argv).contains("ss", "state", "close-wait"))
        .noneSatisfy(argv -> assertThat(argv).contains("time-wait"));
  }

  private long ssCount(String state, String... family) {
    List<String> argv = new java.util.ArrayList<>(List.of("ss", "-H", "-t", "-a", "-n"));
    argv.addAll(List.of(family));
    argv.addAll(List.of("state", state));
    return netns
        .exec(argv.toArray(String[]::new))
        .stdout()
        .lines()
        .filter(l -> !l.isBlank())
        .count();
  }
}
