package dev.tcptune.bench.scale;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ForkJoinPool;

/** The machine a figure was measured on; it is shared, so its load goes with every figure. */
final class Machine {

  private Machine() {}

  static String describe() {
    return String.format(
        "machine: %d cores, kernel %s, JDK %s (%s), JVM arguments %s, common pool parallelism %d,"
            + " load average %s",
        Runtime.getRuntime().availableProcessors(),
        read("/proc/sys/kernel/osrelease"),
        System.getProperty("java.version"),
        System.getProperty("java.vm.name"),
        ManagementFactory.getRuntimeMXBean().getInputArguments(),
        ForkJoinPool.getCommonPoolParallelism(),
        loadAverage());
  }

  static String loadAverage() {
    String[] parts = read("/proc/loadavg").split(" ");
    return parts.length >= 3 ? parts[0] + " " + parts[1] + " " + parts[2] : "?";
  }

  private static String read(String file) {
    try {
      return Files.readString(Path.of(file)).strip();
    } catch (IOException e) {
      return "?";
    }
  }
}
