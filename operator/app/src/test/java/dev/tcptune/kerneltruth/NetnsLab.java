package dev.tcptune.kerneltruth;

import dev.tcptune.kernel.exec.CommandResult;
import dev.tcptune.kernel.exec.CommandRunner;
import dev.tcptune.kernel.exec.NetworkNamespace;
import dev.tcptune.kernel.exec.ProcessCommandRunner;
import dev.tcptune.kernel.sysctl.ProcSysctlStore;
import dev.tcptune.kernel.sysctl.SysctlWriteException;
import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * Two network namespaces joined by a veth pair, a client ({@code 10.213.N.1}) and a peer ({@code
 * 10.213.N.2}), for measuring what the kernel does against a peer that goes silent. Silence needs
 * no firewall: a permanent neighbour entry points the peer's address at a MAC nobody has, so frames
 * still reach the peer's veth and are dropped there as not addressed to it (no RST, no ICMP).
 * Everything it creates (namespaces, the veth, processes) is removed by {@link #close()}, also when
 * a test fails.
 */
final class NetnsLab implements AutoCloseable {

  /** A MAC that no interface has. */
  private static final String NOBODY = "02:00:00:00:00:99";

  private final CommandRunner runner = new ProcessCommandRunner(Duration.ofSeconds(20));
  private final List<Process> processes = new ArrayList<>();
  private final String client;
  private final String peer;
  private final String clientLink;
  private final String peerLink;
  private final String subnet;
  private final String subnet6;
  private final boolean ipv6;

  /** An IPv4 pair. */
  NetnsLab(int subnetIndex) {
    this(subnetIndex, false);
  }

  /**
   * A pair with IPv4 addresses and, when {@code ipv6}, also {@code fd00:213:N::1} and {@code ::2}
   * (without duplicate address detection, so they are usable at once).
   */
  NetnsLab(int subnetIndex, boolean ipv6) {
    String id = UUID.randomUUID().toString().substring(0, 8);
    this.client = "tcpt-" + id.substring(0, 7) + "c";
    this.peer = "tcpt-" + id.substring(0, 7) + "p";
    String link = Integer.toHexString(ThreadLocalRandom.current().nextInt(0x100000, 0xFFFFFF));
    this.clientLink = "tv" + link + "c";
    this.peerLink = "tv" + link + "p";
    this.subnet = "10.213." + subnetIndex;
    this.subnet6 = "fd00:213:" + Integer.toHexString(subnetIndex) + "::";
    this.ipv6 = ipv6;
    try {
      ip("netns", "add", client);
      ip("netns", "add", peer);
      ip("link", "add", clientLink, "type", "veth", "peer", "name", peerLink);
      ip("link", "set", clientLink, "netns", client);
      ip("link", "set", peerLink, "netns", peer);
      for (String[] side :
          new String[][] {{client, clientLink, clientIp()}, {peer, peerLink, peerIp()}}) {
        ip("-n", side[0], "addr", "add", side[2] + "/24", "dev", side[1]);
        ip("-n", side[0], "link", "set", side[1], "up");
        ip("-n", side[0], "link", "set", "lo", "up");
      }
      if (ipv6) {
        ip("-n", client, "addr", "add", clientIp6() + "/64", "dev", clientLink, "nodad");
        ip("-n", peer, "addr", "add", peerIp6() + "/64", "dev", peerLink, "nodad");
      }
      // The peer acknowledges at once (route quickack), so that the client's RTT samples are the
      // round trip of the veth, not how soon a busy peer process echoes or its delayed-ACK timer:
      // on a loaded machine those lift the client's RTO by tens of ms, and with it every
      // retransmission time the tests measure. The client's RTO is then what explain takes as
      // typical for a LAN, one jiffy above the floor.
      ip(
          "-n",
          peer,
          "route",
          "replace",
          subnet(),
          "dev",
          peerLink,
          "proto",
          "kernel",
          "scope",
          "link",
          "src",
          peerIp(),
          "quickack",
          "1");
      if (ipv6) {
        ip(
            "-n",
            peer,
            "-6",
            "route",
            "replace",
            subnet6(),
            "dev",
            peerLink,
            "proto",
            "kernel",
            "metric",
            "256",
            "quickack",
            "1");
      }
    } catch (RuntimeException e) {
      close();
      throw e;
    }
  }

  String client() {
    return client;
  }

  String peer() {
    return peer;
  }

  String clientIp() {
    return subnet + ".1";
  }

  String peerIp() {
    return subnet + ".2";
  }

  String subnet() {
    return subnet + ".0/24";
  }

  String clientIp6() {
    return subnet6 + "1";
  }

  String peerIp6() {
    return subnet6 + "2";
  }

  String subnet6() {
    return subnet6 + "/64";
  }

  void sysctl(String namespace, String key, String value) {
    try {
      ProcSysctlStore.forNamespace(NetworkNamespace.named(namespace), runner).write(key, value);
    } catch (SysctlWriteException e) {
      throw new IllegalStateException(e.getMessage(), e);
    }
  }

  /** Lowers the RTO floor of the client's route to the peer. */
  void clientRouteRtoMin(String rtoMin) {
    ip(
        "-n",
        client,
        "route",
        "replace",
        subnet(),
        "dev",
        clientLink,
        "src",
        clientIp(),
        "rto_min",
        rtoMin);
  }

  /** Lowers the RTO floor of the client's IPv6 route to the peer. */
  void clientRouteRtoMin6(String rtoMin) {
    // The prefix route the address made has metric 256: a replace without it would add a second
    // route (metric 1024) that the lookup never picks.
    ip(
        "-n",
        client,
        "-6",
        "route",
        "replace",
        subnet6(),
        "dev",
        clientLink,
        "proto",
        "kernel",
        "metric",
        "256",
        "rto_min",
        rtoMin);
  }

  /** From now on the client's frames to the peer are dropped at the peer's veth (both families). */
  void silenceClientToPeer() {
    silence(client, clientLink, peerIp());
    if (ipv6) {
      silence(client, clientLink, peerIp6());
    }
  }

  /**
   * From now on the peer's frames to the client are dropped at the client's veth (both families).
   */
  void silencePeerToClient() {
    silence(peer, peerLink, clientIp());
    if (ipv6) {
      silence(peer, peerLink, clientIp6());
    }
  }

  private void silence(String namespace, String link, String address) {
    ip(
        "-n",
        namespace,
        "neigh",
        "replace",
        address,
        "lladdr",
        NOBODY,
        "dev",
        link,
        "nud",
        "permanent");
  }

  /** {@code ss -tanH} in a namespace: one line per TCP socket (request sockets included). */
  List<String> sockets(String namespace) {
    CommandResult r =
        runner.run(NetworkNamespace.named(namespace).wrap(List.of("ss", "-tanH"))).orThrow();
    return r.stdout().lines().filter(l -> !l.isBlank()).toList();
  }

  /**
   * Starts {@link SocketProbe} with {@code args} in a namespace; IPv4 only unless the lab has IPv6
   * addresses.
   */
  Probe probe(String namespace, String... args) {
    List<String> argv =
        new ArrayList<>(
            List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Djava.net.preferIPv4Stack=" + !ipv6,
                "-XX:TieredStopAtLevel=1",
                "-XX:+UseSerialGC",
                "-Xmx32m",
                "-cp",
                classpath(),
                SocketProbe.class.getName()));
    argv.addAll(Arrays.asList(args));
    try {
      Process p =
          new ProcessBuilder(niced(NetworkNamespace.named(namespace).wrap(argv)))
              .redirectErrorStream(true)
              .start();
      synchronized (processes) {
        processes.add(p);
      }
      return new Probe(p);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start " + argv, e);
    }
  }

  @Override
  public void close() {
    synchronized (processes) {
      for (Process p : processes) {
        p.descendants().forEach(ProcessHandle::destroyForcibly);
        p.destroyForcibly();
        try {
          p.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
      processes.clear();
    }
    List<String> problems = new ArrayList<>();
    for (String ns : List.of(client, peer)) {
      CommandResult pids = runner.run(List.of("ip", "netns", "pids", ns));
      for (String pid : pids.stdout().split("\\s+")) {
        if (!pid.isBlank()) {
          ProcessHandle.of(Long.parseLong(pid)).ifPresent(ProcessHandle::destroyForcibly);
        }
      }
      CommandResult del = runner.run(List.of("ip", "netns", "del", ns));
      if (!del.succeeded() && !del.stderr().contains("No such file")) {
        problems.add(ns + ": " + del.stderr().strip());
      }
    }
    // Deleting a namespace deletes its end of the veth, and with it the pair; a pair left on the
    // host by a failed set-up goes here (when it is gone already, ip says so and nothing happens).
    runner.run(List.of("ip", "link", "del", clientLink));
    if (!problems.isEmpty()) {
      throw new IllegalStateException("cleanup of test namespaces: " + problems);
    }
  }

  private void ip(String... args) {
    List<String> argv = new ArrayList<>(List.of("ip"));
    argv.addAll(Arrays.asList(args));
    runner.run(argv).orThrow();
  }

  /**
   * A probe runs at nice -10: what it measures on its own clock (when a closed socket or a request
   * disappears from {@code /proc/net/tcp}) must not wait behind the build and the other cases' JVM
   * start-ups on a small machine.
   */
  private static List<String> niced(List<String> argv) {
    List<String> all = new ArrayList<>(List.of("nice", "-n", "-10"));
    all.addAll(argv);
    return all;
  }

  private static String classpath() {
    try {
      return new File(SocketProbe.class.getProtectionDomain().getCodeSource().getLocation().toURI())
          .getPath();
    } catch (java.net.URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  /** A running {@link SocketProbe}: its output lines as they arrive, and its stdin. */
  static final class Probe {
    private final Process process;
    private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();

    Probe(Process process) {
      this.process = process;
      Thread reader =
          new Thread(
              () -> {
                try (BufferedReader r =
                    new BufferedReader(
                        new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                  String line;
                  while ((line = r.readLine()) != null) {
                    lines.add(line);
                  }
                } catch (IOException e) {
                  // process ended
                }
              });
      reader.setDaemon(true);
      reader.start();
    }

    /**
     * The next line that starts with {@code prefix}; fails with the other lines after a timeout.
     */
    String await(String prefix, Duration timeout) {
      long deadline = System.nanoTime() + timeout.toNanos();
      List<String> other = new ArrayList<>();
      while (true) {
        String line;
        try {
          line = lines.poll(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new AssertionError("interrupted waiting for '" + prefix + "'", e);
        }
        if (line == null) {
          throw new AssertionError(
              "no line '" + prefix + "' from the probe within " + timeout + "; got " + other);
        }
        if (line.startsWith(prefix)) {
          return line;
        }
        other.add(line);
      }
    }

    void send(String line) {
      try {
        OutputStream in = process.getOutputStream();
        in.write((line + "\n").getBytes(StandardCharsets.UTF_8));
        in.flush();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }
}
