package dev.tcptune.kernel.stats;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tcptune.kernel.exec.NetworkNamespace;
import dev.tcptune.kernel.testing.Poll;
import dev.tcptune.kernel.testing.TestNetns;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
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
}
