package dev.tcptune.bench.agent;

import dev.tcptune.kernel.exec.ProcFiles;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Resident memory and CPU time of one process, read from /proc once a second: peak and average RSS,
 * and CPU as a share of one core over the sampled time.
 */
final class ProcessSampler {

  /** USER_HZ: /proc/PID/stat counts CPU time in these ticks on every Linux the agent runs on. */
  private static final double TICKS_PER_SECOND = 100;

  record Figures(
      String name, double peakRssMib, double averageRssMib, double cpuPercent, Duration over) {}

  private final long pid;
  private long samples;
  private long rssSumKib;
  private long peakKib;
  private long firstTicks = -1;
  private long firstNanos;
  private long lastTicks;
  private long lastNanos;

  ProcessSampler(long pid) {
    this.pid = pid;
  }

  /** Takes one sample; false when the process is gone. */
  boolean sample() {
    try {
      String status = ProcFiles.read(Path.of("/proc", Long.toString(pid), "status"));
      String stat = ProcFiles.read(Path.of("/proc", Long.toString(pid), "stat"));
      long rss = kib(status, "VmRSS:");
      peakKib = Math.max(peakKib, Math.max(rss, kib(status, "VmHWM:")));
      rssSumKib += rss;
      samples++;
      // Fields after the command name, which may hold spaces: utime is the 14th field, stime the
      // 15th.
      String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      long ticks = Long.parseLong(f[11]) + Long.parseLong(f[12]);
      long now = System.nanoTime();
      if (firstTicks < 0) {
        firstTicks = ticks;
        firstNanos = now;
      }
      lastTicks = ticks;
      lastNanos = now;
      return true;
    } catch (IOException | RuntimeException e) {
      return false;
    }
  }

  Figures figures(String name) {
    double seconds = (lastNanos - firstNanos) / 1e9;
    return new Figures(
        name,
        peakKib / 1024.0,
        samples == 0 ? 0 : rssSumKib / (double) samples / 1024.0,
        seconds <= 0 ? 0 : 100.0 * (lastTicks - firstTicks) / TICKS_PER_SECOND / seconds,
        Duration.ofNanos(lastNanos - firstNanos));
  }

  private static long kib(String status, String field) {
    return status
        .lines()
        .filter(l -> l.startsWith(field))
        .map(l -> Long.parseLong(l.substring(field.length()).trim().split("\\s+")[0]))
        .findFirst()
        .orElse(0L);
  }
}
