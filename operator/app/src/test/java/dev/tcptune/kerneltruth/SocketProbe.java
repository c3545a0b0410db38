package dev.tcptune.kerneltruth;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The socket side of the ground-truth tests, run inside a namespace ({@code ip netns exec NS java
 * ... SocketProbe MODE HOST PORT}). It measures with its own monotonic clock and prints one event
 * per line, so process start-up never counts. Real blocking sockets, no timeouts of its own: what
 * ends a wait is the kernel.
 *
 * <ul>
 *   <li>{@code serve 0 PORT}: echo every byte back, never close (a peer that is alive until the
 *       test makes it silent).
 *   <li>{@code connect HOST PORT}: "connecting" just before connect(), "failed MILLIS ERROR" when
 *       it gives up.
 *   <li>{@code data HOST PORT}: connect, 20 echoed round trips, "up LOCALPORT"; on a line from
 *       stdin write one byte and wait for its echo: "failed MILLIS ERROR" counted from the write.
 *   <li>{@code keepalive HOST PORT}: connect, 20 echoed round trips, "up LOCALPORT"; on a line from
 *       stdin turn SO_KEEPALIVE on and read: "failed MILLIS ERROR" counted from then.
 *   <li>{@code syn HOST PORT}: one SYN (a non-blocking connect()), then the socket is closed, so no
 *       SYN is ever retransmitted: "sent NANOS", {@link System#nanoTime()} just before connect().
 *   <li>{@code requests 0 PORT}: watch {@code /proc/net/tcp} and {@code tcp6} for a half-open
 *       request (SYN_RECV) on local port PORT: "watching", then "seen" when one appears, then
 *       "dropped NANOS LAST" when it is gone: {@link System#nanoTime()} of the first look that
 *       missed it and of the last that found it. Both probes run on this machine, where nanoTime is
 *       CLOCK_MONOTONIC, one clock for every process: the test subtracts "sent" from "dropped"
 *       without depending on when this probe first noticed the request.
 *   <li>{@code close HOST PORT}: connect, 20 echoed round trips, "up LOCALPORT"; on a line from
 *       stdin close(), watch the closed socket in {@code /proc/net/tcp} of the namespace until it
 *       is gone, print "gone MILLIS STATES" (from close(); the states it was seen in, in order, as
 *       ss names them, starting with the state before close()), then stay alive.
 * </ul>
 */
public final class SocketProbe {

  private SocketProbe() {}

  public static void main(String[] args) throws Exception {
    String mode = args[0];
    InetAddress host = InetAddress.getByName(args[1]);
    int port = Integer.parseInt(args[2]);
    BufferedReader stdin =
        new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    switch (mode) {
      case "serve" -> serve(port);
      case "syn" -> {
        warmUpConnect();
        try (SocketChannel ch = SocketChannel.open()) {
          ch.configureBlocking(false);
          // connect() sends the SYN before it returns; closing a SYN_SENT socket sends nothing.
          long sent = System.nanoTime();
          ch.connect(new InetSocketAddress(host, port));
          say("sent " + sent);
        }
      }
      case "requests" -> watchRequest(port);
      case "connect" -> {
        warmUpConnect();
        say("connecting");
        long start = System.nanoTime();
        try (Socket s = new Socket()) {
          s.connect(new InetSocketAddress(host, port));
          say("connected");
        } catch (IOException e) {
          say("failed " + millisSince(start) + " " + e.getMessage());
        }
      }
      case "data", "keepalive", "close" -> {
        Socket s = new Socket();
        s.setTcpNoDelay(true);
        s.connect(new InetSocketAddress(host, port));
        long lastReceived = exchange(s);
        say("up " + s.getLocalPort());
        if (mode.equals("keepalive")) {
          // SO_KEEPALIVE only once the test has silenced the peer: a probe answered before the
          // silence would restart the idle timer and measure a race, not the kernel. The kernel
          // arms the timer for tcp_keepalive_time from here, so count from here.
          stdin.readLine();
          s.setKeepAlive(true);
          waitForFailure(s, System.nanoTime());
        } else {
          stdin.readLine();
          if (mode.equals("close")) {
            closeAndWatch(s);
            stdin.readLine();
          } else {
            long write = System.nanoTime();
            s.getOutputStream().write('x');
            waitForFailure(s, write);
          }
        }
      }
      default ->
          throw new IllegalArgumentException(
              "mode: '"
                  + mode
                  + "' (allowed: serve, connect, syn, requests, data, keepalive, close)");
    }
  }

  /**
   * One refused connect() to loopback first, so that class loading of the connect path does not
   * count in the measurement.
   */
  private static void warmUpConnect() {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), 1));
    } catch (IOException expected) {
      // refused: nothing listens on port 1
    }
  }

  private static void serve(int port) throws IOException {
    try (ServerSocket server = new ServerSocket()) {
      server.bind(new InetSocketAddress(port), 64);
      say("ready");
      while (true) {
        Socket s = server.accept();
        Thread t =
            new Thread(
                () -> {
                  try {
                    InputStream in = s.getInputStream();
                    OutputStream out = s.getOutputStream();
                    int b;
                    while ((b = in.read()) >= 0) {
                      out.write(b);
                    }
                    // End of stream: keep the socket open (CLOSE_WAIT), as a peer that never
                    // closes.
                  } catch (IOException e) {
                    // the test ends it
                  }
                });
        t.setDaemon(true);
        t.start();
      }
    }
  }

  /** 20 round trips, so the RTO estimate settles; returns when the last byte came back. */
  private static long exchange(Socket s) throws IOException {
    InputStream in = s.getInputStream();
    OutputStream out = s.getOutputStream();
    long last = System.nanoTime();
    for (int i = 0; i < 20; i++) {
      out.write(i);
      if (in.read() < 0) {
        throw new IOException("peer closed during warm-up");
      }
      last = System.nanoTime();
    }
    return last;
  }

  /**
   * How often the closed socket is looked up: fine enough for a 10% comparison of lifetimes of
   * seconds, coarse enough not to load the machine.
   */
  private static final long WATCH_INTERVAL_MILLIS = 5;

  /** {@code /proc/net/tcp} state codes ({@code include/net/tcp_states.h}) as ss names them. */
  private static final String[] STATES = {
    "?",
    "ESTAB",
    "SYN-SENT",
    "SYN-RECV",
    "FIN-WAIT-1",
    "FIN-WAIT-2",
    "TIME-WAIT",
    "UNCONN",
    "CLOSE-WAIT",
    "LAST-ACK",
    "LISTEN",
    "CLOSING",
    "NEW-SYN-RECV"
  };

  /**
   * close() and follow the orphaned socket until the kernel drops it, in this process: the
   * observation must not depend on how fast the test can start {@code ss} on a loaded machine (a
   * first look later than the socket's lifetime finds nothing, and every look ends late by the
   * start-up of its process). {@code /proc/net/tcp} is the table {@code ss -tan} shows (a timewait
   * socket that stands for an orphaned FIN_WAIT2 one shows its substate, FIN-WAIT-2, in both), and
   * this process runs in the socket's namespace.
   */
  private static void closeAndWatch(Socket s) throws IOException, InterruptedException {
    int local = s.getLocalPort();
    int remote = s.getPort();
    List<String> seen = new ArrayList<>();
    String before = state(local, remote);
    if (before == null) {
      // Fails the test at once with this as the states: the lookup itself is broken.
      say("gone -1 the-open-socket-is-not-in-/proc/net/tcp");
      return;
    }
    seen.add(before);
    long closed = System.nanoTime();
    s.close();
    while (true) {
      long look = System.nanoTime();
      String now = state(local, remote);
      if (now == null) {
        say("gone " + (look - closed) / 1_000_000 + " " + String.join(",", seen));
        return;
      }
      if (!now.equals(seen.get(seen.size() - 1))) {
        seen.add(now);
      }
      Thread.sleep(WATCH_INTERVAL_MILLIS);
    }
  }

  /** The state of the TCP socket from local port to remote port, null when there is none. */
  private static String state(int localPort, int remotePort) throws IOException {
    for (String[] f : sockets()) {
      // sl local_address rem_address st ...: addresses as HEXIP:HEXPORT
      if (f.length > 3
          && f[1].endsWith(String.format(":%04X", localPort))
          && f[2].endsWith(String.format(":%04X", remotePort))) {
        int code = Integer.parseInt(f[3], 16);
        return code < STATES.length ? STATES[code] : f[3];
      }
    }
    return null;
  }

  /** The lines of {@code /proc/net/tcp} and {@code /proc/net/tcp6}, split into fields. */
  private static List<String[]> sockets() throws IOException {
    List<String[]> all = new ArrayList<>();
    for (String table : List.of("/proc/net/tcp", "/proc/net/tcp6")) {
      Path p = Path.of(table);
      if (Files.exists(p)) {
        for (String line : Files.readAllLines(p)) {
          all.add(line.trim().split("\\s+"));
        }
      }
    }
    return all;
  }

  /** True when a request socket (SYN_RECV, state 03) waits on local port {@code port}. */
  private static boolean hasRequest(int port) throws IOException {
    for (String[] f : sockets()) {
      if (f.length > 3 && f[1].endsWith(String.format(":%04X", port)) && f[3].equals("03")) {
        return true;
      }
    }
    return false;
  }

  /**
   * Follows the half-open request of a listener on this process's clock: the first SYN+ACK goes out
   * when the request appears, and the kernel drops the request after its last retransmission.
   */
  private static void watchRequest(int port) throws IOException, InterruptedException {
    say("watching");
    while (!hasRequest(port)) {
      Thread.sleep(1);
    }
    say("seen");
    long present = System.nanoTime();
    while (hasRequest(port)) {
      present = System.nanoTime();
      Thread.sleep(WATCH_INTERVAL_MILLIS);
    }
    say("dropped " + System.nanoTime() + " " + present);
  }

  private static void waitForFailure(Socket s, long from) {
    try {
      int b = s.getInputStream().read();
      say("unexpected " + b);
    } catch (IOException e) {
      say("failed " + millisSince(from) + " " + e.getMessage());
    }
  }

  private static long millisSince(long nanos) {
    return (System.nanoTime() - nanos) / 1_000_000;
  }

  private static void say(String line) {
    System.out.println(line);
    System.out.flush();
  }
}
