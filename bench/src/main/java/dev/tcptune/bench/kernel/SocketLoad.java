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
 * side closes first, so each accepted connection lingers 60 s on the server side; clients spread
 * over several loopback addresses, so 100,000 four-tuples fit in the port range. CLOSE_WAIT: the
 * client closes and the server keeps its end open until {@link #close}.
 */
final class SocketLoad implements AutoCloseable {

  private static final int PORT = 8080;
  private static final int PER_ADDRESS = 25_000;

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
      InetAddress to = InetAddress.getByName("127.0.0." + (1 + i / PER_ADDRESS));
      try (Socket client = new Socket(to, PORT);
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
