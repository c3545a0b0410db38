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
import java.nio.charset.StandardCharsets;

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
 *   <li>{@code keepalive HOST PORT}: SO_KEEPALIVE, connect, 20 echoed round trips, "up LOCALPORT";
 *       then read: "failed MILLIS ERROR" counted from the last byte received.
 *   <li>{@code close HOST PORT}: connect, 20 echoed round trips, "up LOCALPORT"; on a line from
 *       stdin close() and print "closed", then stay alive.
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
        s.setKeepAlive(mode.equals("keepalive"));
        s.setTcpNoDelay(true);
        s.connect(new InetSocketAddress(host, port));
        long lastReceived = exchange(s);
        say("up " + s.getLocalPort());
        if (mode.equals("keepalive")) {
          waitForFailure(s, lastReceived);
        } else {
          stdin.readLine();
          if (mode.equals("close")) {
            s.close();
            say("closed");
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
              "mode: '" + mode + "' (allowed: serve, connect, data, keepalive, close)");
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
