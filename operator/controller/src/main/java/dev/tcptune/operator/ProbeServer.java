package dev.tcptune.operator;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/** {@code /healthz}, {@code /readyz} and {@code /metrics} over plain HTTP for the kubelet. */
final class ProbeServer implements AutoCloseable {

  private final HttpServer server;

  ProbeServer(int port, BooleanSupplier healthy, BooleanSupplier ready, Supplier<String> metrics)
      throws IOException {
    server = HttpServer.create(new InetSocketAddress(port), 0);
    server.createContext("/healthz", e -> answer(e, healthy.getAsBoolean(), "ok\n"));
    server.createContext("/readyz", e -> answer(e, ready.getAsBoolean(), "ok\n"));
    server.createContext("/metrics", e -> answer(e, true, metrics.get()));
    server.start();
  }

  int port() {
    return server.getAddress().getPort();
  }

  private static void answer(HttpExchange exchange, boolean ok, String body) throws IOException {
    byte[] bytes = (ok ? body : "not ready\n").getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().add("Content-Type", "text/plain; charset=utf-8");
    exchange.sendResponseHeaders(ok ? 200 : 503, bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
