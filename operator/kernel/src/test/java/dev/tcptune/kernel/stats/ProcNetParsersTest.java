package dev.tcptune.kernel.stats;

import static dev.tcptune.kernel.TestResources.text;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.EnumSet;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Parsers on text captured on a 6.18 kernel (host, and a namespace holding ~540 sockets). */
class ProcNetParsersTest {

  @Test
  void sockstatOfBusyNamespace() {
    Map<String, Long> c = ProcNetParsers.sockstat(text("proc/netns-sockstat.txt"), "sockstat");
    assertThat(c)
        .containsEntry("sockstat.TCP.inuse", 541L)
        .containsEntry("sockstat.TCP.tw", 40L)
        .containsEntry("sockstat.TCP.orphan", 0L)
        .containsEntry("sockstat.sockets.used", 552L)
        .containsEntry("sockstat.FRAG.memory", 0L);
  }

  @Test
  void sockstat6() {
    Map<String, Long> c = ProcNetParsers.sockstat(text("proc/netns-sockstat6.txt"), "sockstat6");
    assertThat(c).containsKey("sockstat6.TCP6.inuse").containsKey("sockstat6.UDP6.inuse");
    assertThat(c.get("sockstat6.TCP6.inuse")).isEqualTo(11L);
    assertThat(ProcNetParsers.sockstat(text("proc/host-sockstat6.txt"), "sockstat6"))
        .containsKey("sockstat6.TCP6.inuse");
  }

  @Test
  void netstatHasEveryTcpExtField() {
    for (String file : new String[] {"proc/host-netstat.txt", "proc/netns-netstat.txt"}) {
      String content = text(file);
      Map<String, Long> c = ProcNetParsers.headerValuePairs(content);
      String header =
          content.lines().filter(l -> l.startsWith("TcpExt:")).findFirst().orElseThrow();
      String[] names = header.split("\\s+");
      for (int i = 1; i < names.length; i++) {
        assertThat(c).as(file).containsKey("TcpExt." + names[i]);
      }
      assertThat(names.length).isGreaterThan(100);
      assertThat(c)
          .containsKeys(
              "TcpExt.ListenOverflows",
              "TcpExt.ListenDrops",
              "TcpExt.TCPTimeouts",
              "TcpExt.TCPSynRetrans",
              "IpExt.InOctets");
    }
  }

  @Test
  void snmpHasEveryTcpFieldIncludingNegativeMaxConn() {
    Map<String, Long> c = ProcNetParsers.headerValuePairs(text("proc/netns-snmp.txt"));
    assertThat(c)
        .containsKeys(
            "Tcp.RtoAlgorithm",
            "Tcp.RtoMin",
            "Tcp.RtoMax",
            "Tcp.ActiveOpens",
            "Tcp.PassiveOpens",
            "Tcp.AttemptFails",
            "Tcp.EstabResets",
            "Tcp.CurrEstab",
            "Tcp.InSegs",
            "Tcp.OutSegs",
            "Tcp.RetransSegs",
            "Tcp.InErrs",
            "Tcp.OutRsts",
            "Tcp.InCsumErrors");
    assertThat(c).containsEntry("Tcp.MaxConn", -1L).containsEntry("Tcp.RtoMin", 200L);
    assertThat(c.get("Tcp.ActiveOpens")).isGreaterThanOrEqualTo(305L);
    assertThat(ProcNetParsers.headerValuePairs(text("proc/host-snmp.txt")))
        .containsKey("Tcp.RetransSegs");
  }

  @Test
  void headerValueMismatchNamesTheLine() {
    assertThatThrownBy(() -> ProcNetParsers.headerValuePairs("Tcp: A B\nTcp: 1\n"))
        .hasMessageContaining("Tcp: A B");
  }

  @Test
  void ssStatesCountTheStateColumnAndListEveryAskedState() {
    String ss =
        "LISTEN     0      50         127.0.0.1:31007        0.0.0.0:*\n"
            + "CLOSE-WAIT 1      0          127.0.0.1:31007      127.0.0.1:40686\n"
            + "CLOSE-WAIT 1      0          127.0.0.1:31007      127.0.0.1:40700\n"
            + "FIN-WAIT-2 0      0              [::1]:31008          [::1]:53412\n";
    Set<TcpState> asked =
        EnumSet.of(TcpState.LISTEN, TcpState.CLOSE_WAIT, TcpState.FIN_WAIT2, TcpState.SYN_RECV);
    assertThat(ProcNetParsers.ssStates(ss, asked))
        .containsExactlyInAnyOrderEntriesOf(
            Map.of(
                TcpState.LISTEN, 1L,
                TcpState.CLOSE_WAIT, 2L,
                TcpState.FIN_WAIT2, 1L,
                TcpState.SYN_RECV, 0L));
    assertThat(ProcNetParsers.ssStates("", asked)).containsEntry(TcpState.LISTEN, 0L);
    assertThat(
            ProcNetParsers.ssTimewaitEntries(
                "FIN-WAIT-2 0 0 127.0.0.1:46034 127.0.0.1:32000 timer:(timewait,57sec,0)\n"
                    + "FIN-WAIT-2 0 0 127.0.0.1:46035 127.0.0.1:32000\n"
                    + "CLOSE-WAIT 1 0 127.0.0.1:32000 127.0.0.1:46046\n"))
        .isEqualTo(1);
    assertThatThrownBy(
            () ->
                ProcNetParsers.ssStates(
                    "ESTAB 0 0 127.0.0.1:1 127.0.0.1:2\n", EnumSet.of(TcpState.LISTEN)))
        .hasMessageContaining("unexpected state 'ESTAB'");
  }

  @Test
  void ssListenersIpv4AndIpv6() {
    assertThat(ProcNetParsers.ssListeners(text("proc/netns-ss-ltn.txt")))
        .containsExactly(new Listener("127.0.0.1", 7001, 0, 512), new Listener("::1", 7002, 0, 16));
    assertThat(ProcNetParsers.ssListeners(text("proc/host-ss-ltn.txt")))
        .containsExactly(new Listener("0.0.0.0", 2024, 0, 128));
    assertThat(
            ProcNetParsers.ssListeners(
                "LISTEN 3      4096   127.0.0.53%lo:53        0.0.0.0:*    users:((\"x\",pid=1,fd=3))\n"
                    + "LISTEN 0      128                *:8080              *:*\n"))
        .containsExactly(
            new Listener("127.0.0.53%lo", 53, 3, 4096), new Listener("*", 8080, 0, 128));
  }
}
