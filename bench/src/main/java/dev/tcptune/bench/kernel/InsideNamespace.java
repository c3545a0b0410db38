package dev.tcptune.bench.kernel;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Refuses to run a kernel benchmark anywhere but in the namespace {@link KernelBench} made. */
final class InsideNamespace {

  static final String ENV = "TCPTUNE_BENCH_NETNS";

  private InsideNamespace() {}

  /**
   * @throws IllegalStateException unless this process is in the network namespace named by {@link
   *     #ENV}: the benchmarks write sysctls and routes, which must never happen on the host
   */
  static void require() throws IOException {
    String name = System.getenv(ENV);
    if (name == null || !name.startsWith("tcpt-bench-")) {
      throw new IllegalStateException(
          "kernel benchmarks write sysctls: run them through KernelBench, which makes a namespace");
    }
    Object self = Files.getAttribute(Path.of("/proc/self/ns/net"), "unix:ino");
    Object named = Files.getAttribute(Path.of("/run/netns", name), "unix:ino");
    if (!self.equals(named)) {
      throw new IllegalStateException("not inside network namespace " + name);
    }
  }
}
