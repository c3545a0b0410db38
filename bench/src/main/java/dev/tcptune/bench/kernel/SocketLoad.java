package dev.tcptune.bench.kernel;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;

/**
 * TIME_WAIT and CLOSE_WAIT sockets on loopback in the benchmark's namespace. TIME_WAIT: the server
 * side closes first, so each accepted connection lingers 60 s on the server side. Each client binds
 * its own address and port (127.0.1.x, 10000-59999): with kernel-chosen ports a new connection can
 * land on the four-tuple of an earlier one still in TIME_WAIT and take it over, and the count falls
 * short. CLOSE_WAIT: the client closes and the server keeps its end open until {@link #close}.
 */
final class SocketLoad implements AutoCloseable {

  private static final int PORT = 8080;
  private static final int PORTS_PER_ADDRESS = 50_000;

  private final ServerSocket server;
  private final List<Socket> closeWait = new ArrayList<>();

  private SocketLoad(ServerSocket server) {
    this.server = server;
  }

  static SocketLoad create(int timeWait, int closeWaitCount) throws IOException {
    ServerSocket server = new ServerSocket();
    server.setReuseAddress(true);
    server.bind(new InetSocketAddress(InetAddress.getByName("0.0.0.0"), PORT), 4096);
    SocketLoad load = new SocketLoad(server);
    for (int i = 0; i < timeWait; i++) {
      Socket unconnected = new Socket();
      unconnected.setReuseAddress(true);
      unconnected.bind(
          new InetSocketAddress(
              InetAddress.getByName("127.0.1." + (1 + i / PORTS_PER_ADDRESS)),
              10_000 + i % PORTS_PER_ADDRESS));
      unconnected.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), PORT));
      try (Socket client = unconnected;
          Socket accepted = server.accept()) {
        accepted.close(); // the active close: TIME_WAIT on this side
        client.getInputStream().read();
      }
    }
    for (int i = 0; i < closeWaitCount; i++) {
      Socket client = new Socket(InetAddress.getLoopbackAddress(), PORT);
      load.closeWait.add(server.accept());
      client.close();
    }
    return load;
  }

  @Override
  public void close() throws IOException {
    for (Socket s : closeWait) {
      s.close();
    }
    server.close();
  }
}
