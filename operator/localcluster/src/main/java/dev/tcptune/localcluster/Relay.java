package dev.tcptune.localcluster;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A byte relay between a TCP port and a unix domain socket, for agents of simulated nodes: the API
 * server listens on the host's 127.0.0.1, which a process inside a network namespace cannot reach,
 * but a unix socket is a file and crosses network namespaces. The host side relays {@code unix
 * socket -> 127.0.0.1:apiPort}; this class run with {@code ip netns exec} relays {@code
 * 127.0.0.1:port (in the namespace) -> unix socket}. TLS passes through untouched.
 *
 * <pre>
 *   java -cp tcptune.jar dev.tcptune.localcluster.Relay tcp-to-unix PORT SOCKET   (in the namespace)
 * </pre>
 */
public final class Relay implements AutoCloseable {

  private final ServerSocketChannel server;
  private final Thread acceptor;
  private volatile SocketAddress target;

  private Relay(ServerSocketChannel server, SocketAddress target, StandardProtocolFamily family) {
    this.server = server;
    this.target = target;
    this.acceptor =
        new Thread(
            () -> {
              while (server.isOpen()) {
                try {
                  SocketChannel in = server.accept();
                  SocketChannel out = SocketChannel.open(family);
                  out.connect(this.target);
                  pump(in, out);
                  pump(out, in);
                } catch (IOException e) {
                  // Closed, or the target refused this connection: the client sees a reset.
                }
              }
            },
            "relay-accept");
    acceptor.setDaemon(true);
    acceptor.start();
  }

  /** Listens on the unix socket {@code socket} and relays to {@code 127.0.0.1:port}. */
  public static Relay unixToTcp(Path socket, int port) throws IOException {
    Files.deleteIfExists(socket);
    ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
    server.bind(UnixDomainSocketAddress.of(socket));
    return new Relay(server, new InetSocketAddress("127.0.0.1", port), StandardProtocolFamily.INET);
  }

  /** Listens on {@code 127.0.0.1:port} and relays to the unix socket {@code socket}. */
  public static Relay tcpToUnix(int port, Path socket) throws IOException {
    ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.INET);
    server.bind(new InetSocketAddress("127.0.0.1", port));
    return new Relay(server, UnixDomainSocketAddress.of(socket), StandardProtocolFamily.UNIX);
  }

  /** New connections go to {@code 127.0.0.1:port} (an API server restarted on another port). */
  public void retarget(int port) {
    target = new InetSocketAddress("127.0.0.1", port);
  }

  private static void pump(SocketChannel from, SocketChannel to) {
    Thread t =
        new Thread(
            () -> {
              ByteBuffer buffer = ByteBuffer.allocate(32 * 1024);
              try {
                while (from.read(buffer) >= 0) {
                  buffer.flip();
                  while (buffer.hasRemaining()) {
                    to.write(buffer);
                  }
                  buffer.clear();
                }
              } catch (IOException e) {
                // The other side went away.
              } finally {
                closeQuietly(from);
                closeQuietly(to);
              }
            },
            "relay-pump");
    t.setDaemon(true);
    t.start();
  }

  private static void closeQuietly(SocketChannel channel) {
    try {
      channel.close();
    } catch (IOException e) {
      // Nothing left to do.
    }
  }

  @Override
  public void close() throws IOException {
    server.close();
  }

  /**
   * The namespace side: {@code tcp-to-unix PORT SOCKET}; prints "ready" and relays until killed.
   */
  public static void main(String[] args) throws Exception {
    if (args.length != 3 || !args[0].equals("tcp-to-unix")) {
      throw new IllegalArgumentException("usage: tcp-to-unix PORT SOCKET");
    }
    try (Relay relay = tcpToUnix(Integer.parseInt(args[1]), Path.of(args[2]))) {
      System.out.println("ready");
      System.out.flush();
      relay.acceptor.join();
    }
  }
}
