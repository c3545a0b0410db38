package dev.tcptune.bench.kernel;

import java.io.IOException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * A network namespace of the benchmark's own ({@code tcpt-bench-XXXXXXXX}): loopback up, a veth
 * pair {@code bench0}/{@code bench1} with the two routes of {@link FullProfile}. Deleted by {@link
 * #close}, also from a shutdown hook when the JVM is stopped first.
 */
public final class BenchNamespace implements AutoCloseable {

  /** The device the benchmark's routes go through. */
  public static final String DEVICE = "bench0";

  private final String name;
  private final Thread hook;

  private BenchNamespace(String name) {
    this.name = name;
    this.hook = new Thread(this::delete, "bench-netns-delete");
    Runtime.getRuntime().addShutdownHook(hook);
  }

  /** Creates the namespace with its links and routes. */
  public static BenchNamespace create() throws IOException, InterruptedException {
    byte[] id = new byte[4];
    new SecureRandom().nextBytes(id);
    BenchNamespace ns = new BenchNamespace("tcpt-bench-" + HexFormat.of().formatHex(id));
    try {
      run("ip", "netns", "add", ns.name);
      ns.ip("link", "set", "lo", "up");
      ns.ip("link", "add", DEVICE, "type", "veth", "peer", "name", "bench1");
      ns.ip("addr", "add", "10.95.0.1/24", "dev", DEVICE);
      ns.ip("link", "set", DEVICE, "up");
      ns.ip("link", "set", "bench1", "up");
      for (String destination : FullProfile.DESTINATIONS) {
        ns.ip("route", "add", destination, "dev", DEVICE);
      }
      return ns;
    } catch (IOException | RuntimeException e) {
      ns.close();
      throw e;
    }
  }

  /** The namespace's name, for {@code ip netns exec}. */
  public String name() {
    return name;
  }

  /** {@code argv} run inside the namespace. */
  public List<String> wrap(List<String> argv) {
    List<String> wrapped = new ArrayList<>(List.of("ip", "netns", "exec", name));
    wrapped.addAll(argv);
    return wrapped;
  }

  private void ip(String... args) throws IOException, InterruptedException {
    List<String> argv = new ArrayList<>(List.of("ip", "-n", name));
    argv.addAll(List.of(args));
    run(argv.toArray(String[]::new));
  }

  static void run(String... argv) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(argv).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes());
    if (p.waitFor() != 0) {
      throw new IOException(String.join(" ", argv) + " failed: " + out.strip());
    }
  }

  @Override
  public void close() {
    try {
      Runtime.getRuntime().removeShutdownHook(hook);
    } catch (IllegalStateException shuttingDown) {
      // The hook runs anyway.
    }
    delete();
  }

  private void delete() {
    try {
      new ProcessBuilder("ip", "netns", "del", name).redirectErrorStream(true).start().waitFor();
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
