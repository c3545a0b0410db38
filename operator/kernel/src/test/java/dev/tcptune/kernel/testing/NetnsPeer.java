package dev.tcptune.kernel.testing;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;

/**
 * A tiny TCP program that kernel tests run inside a namespace ({@code ip netns exec NS java -cp ...
 * NetnsPeer MODE ...}), so no Python or netcat is needed on the machine. Only loopback is used.
 *
 * <ul>
 *   <li>{@code pair PORT}: listen, connect to itself, exchange a few bytes, hold the connection.
 *   <li>{@code backlog PORT}: {@code listen(fd, 1)} and never accept.
 *   <li>{@code connect PORT COUNT TIMEOUT_MS}: COUNT connects with a short timeout, then exit.
 *   <li>{@code states PORT TW CW}: TW connections that the server closes first (TIME_WAIT on the
 *       server side, every other one over {@code ::1} on PORT+1; clients on ports PORT+2 to
 *       PORT+1+TW), then CW connections the client closes and the server holds (CLOSE_WAIT on the
 *       server, FIN_WAIT2 on the client); hold.
 * </ul>
 */
public final class NetnsPeer {

  private NetnsPeer() {}

  public static void main(String[] args) throws Exception {
    InetAddress lo = InetAddress.getByName("127.0.0.1");
    int port = Integer.parseInt(args[1]);
    switch (args[0]) {
      case "pair" -> {
        try (ServerSocket server = new ServerSocket(port, 16, lo);
            Socket client = new Socket(lo, port);
            Socket accepted = server.accept()) {
          OutputStream out = client.getOutputStream();
          InputStream in = accepted.getInputStream();
          for (int i = 0; i < 20; i++) {
            out.write(i);
            out.flush();
            in.read();
          }
          System.out.println("ready");
          System.in.read();
        }
      }
      case "backlog" -> {
        try (ServerSocket server = new ServerSocket(port, 1, lo)) {
          System.out.println("ready");
          System.in.read();
        }
      }
      case "connect" -> {
        int count = Integer.parseInt(args[2]);
        int timeout = Integer.parseInt(args[3]);
        List<Socket> open = new ArrayList<>();
        int ok = 0;
        for (int i = 0; i < count; i++) {
          Socket s = new Socket();
          try {
            s.connect(new InetSocketAddress(lo, port), timeout);
            open.add(s);
            ok++;
          } catch (java.io.IOException e) {
            s.close();
          }
        }
        System.out.println("connected " + ok + " of " + count);
        for (Socket s : open) {
          s.close();
        }
      }
      case "states" -> states(lo, port, Integer.parseInt(args[2]), Integer.parseInt(args[3]));
      default ->
          throw new IllegalArgumentException(
              "mode: '" + args[0] + "' (allowed: pair, backlog, connect, states)");
    }
  }

  private static void states(InetAddress lo, int port, int timeWait, int closeWait)
      throws Exception {
    InetAddress lo6 = InetAddress.getByName("::1");
    List<Socket> held = new ArrayList<>();
    try (ServerSocket v4 = new ServerSocket(port, 64, lo);
        ServerSocket v6 = new ServerSocket(port + 1, 64, lo6)) {
      for (int i = 0; i < timeWait; i++) {
        ServerSocket server = i % 2 == 0 ? v4 : v6;
        // A port of its own for each client (PORT+2 on): with ephemeral ports a later client could
        // get the port of an earlier one, and its SYN would end that connection's TIME_WAIT early.
        try (Socket client = new Socket()) {
          client.bind(new InetSocketAddress(server.getInetAddress(), port + 2 + i));
          client.connect(new InetSocketAddress(server.getInetAddress(), server.getLocalPort()));
          server.accept().close();
          // Wait for the server's FIN before closing, so the server alone ends in TIME_WAIT.
          client.getInputStream().read();
        }
      }
      for (int i = 0; i < closeWait; i++) {
        Socket client = new Socket(lo, port);
        held.add(v4.accept());
        client.close();
      }
      System.out.println("ready");
      System.in.read();
    } finally {
      for (Socket s : held) {
        s.close();
      }
    }
  }
}
