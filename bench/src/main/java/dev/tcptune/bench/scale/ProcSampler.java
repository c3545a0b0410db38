package dev.tcptune.bench.scale;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Samples one process every second from /proc: resident memory (VmRSS, and the kernel's own peak
 * VmHWM) and CPU time (utime + stime of /proc/PID/stat).
 */
final class ProcSampler implements AutoCloseable {

  /** USER_HZ: the unit of utime and stime; 100 on every Linux architecture tcptune runs on. */
  private static final double TICKS_PER_SECOND = 100;

  record Sample(long nanos, long rssKib, long hwmKib, long cpuTicks) {}

  /**
   * What the samples add up to.
   *
   * @param peakRssMib the highest VmRSS sampled
   * @param hwmMib the kernel's peak resident set (also between samples)
   * @param averageRssMib mean of the VmRSS samples
   * @param cpuPercent CPU time over wall time of the window, in percent of one core
   */
  record Summary(
      double peakRssMib, double hwmMib, double averageRssMib, double cpuPercent, int n) {}

  private final long pid;
  private final List<Sample> samples = new ArrayList<>();
  private final ScheduledExecutorService timer =
      Executors.newSingleThreadScheduledExecutor(
          r -> {
            Thread t = new Thread(r, "proc-sampler");
            t.setDaemon(true);
            return t;
          });

  ProcSampler(long pid) {
    this.pid = pid;
  }

  ProcSampler start() {
    timer.scheduleAtFixedRate(this::sampleQuietly, 0, 1, TimeUnit.SECONDS);
    return this;
  }

  private void sampleQuietly() {
    try {
      Sample s = sample(pid);
      synchronized (samples) {
        samples.add(s);
      }
    } catch (IOException | RuntimeException e) {
      // The process ended; the samples so far stand.
    }
  }

  static Sample sample(long pid) throws IOException {
    long rss = 0;
    long hwm = 0;
    for (String line : Files.readAllLines(Path.of("/proc", String.valueOf(pid), "status"))) {
      if (line.startsWith("VmRSS:")) {
        rss = kib(line);
      } else if (line.startsWith("VmHWM:")) {
        hwm = kib(line);
      }
    }
    return new Sample(System.nanoTime(), rss, hwm, cpuTicks(pid));
  }

  /** utime + stime of {@code pid} so far, in USER_HZ ticks. */
  static long cpuTicks(long pid) throws IOException {
    String stat = Files.readString(Path.of("/proc", String.valueOf(pid), "stat"));
    // Fields after the command name, which is in parentheses and may hold spaces.
    String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
    return Long.parseLong(f[11]) + Long.parseLong(f[12]);
  }

  /** CPU seconds of {@code pid} so far. */
  static double cpuSeconds(long pid) throws IOException {
    return cpuTicks(pid) / TICKS_PER_SECOND;
  }

  /**
   * Where the resident memory of {@code pid} is now: anonymous pages (what a cgroup cannot take
   * back short of swapping) against file-backed ones (the JVM's code, mapped class-data archives:
   * page cache the kernel may drop and that other processes share), and from smaps_rollup the
   * proportional share and what is private to the process.
   */
  static String breakdown(long pid) {
    try {
      StringBuilder b = new StringBuilder();
      for (String line : Files.readAllLines(Path.of("/proc", String.valueOf(pid), "status"))) {
        if (line.startsWith("RssAnon:") || line.startsWith("RssFile:")) {
          b.append(mib(line)).append(", ");
        }
      }
      for (String line :
          Files.readAllLines(Path.of("/proc", String.valueOf(pid), "smaps_rollup"))) {
        if (line.startsWith("Pss:")
            || line.startsWith("Private_Clean:")
            || line.startsWith("Private_Dirty:")) {
          b.append(mib(line)).append(", ");
        }
      }
      return b.length() == 0 ? "" : b.substring(0, b.length() - 2);
    } catch (IOException | RuntimeException e) {
      return "not readable: " + e;
    }
  }

  private static String mib(String line) {
    return String.format("%s %.1f MiB", line.substring(0, line.indexOf(':')), kib(line) / 1024.0);
  }

  private static long kib(String line) {
    return Long.parseLong(line.replaceAll("[^0-9]", ""));
  }

  /** Summary of the samples taken since {@code fromNanos}. */
  Summary summary(long fromNanos) {
    List<Sample> window;
    synchronized (samples) {
      window = samples.stream().filter(s -> s.nanos() >= fromNanos).toList();
    }
    if (window.size() < 2) {
      throw new IllegalStateException(
          "fewer than two samples of process " + pid + ": did it exit?");
    }
    Sample first = window.get(0);
    Sample last = window.get(window.size() - 1);
    double seconds = (last.nanos() - first.nanos()) / 1e9;
    double cpu = (last.cpuTicks() - first.cpuTicks()) / TICKS_PER_SECOND / seconds * 100;
    return new Summary(
        window.stream().mapToLong(Sample::rssKib).max().orElse(0) / 1024.0,
        last.hwmKib() / 1024.0,
        window.stream().mapToLong(Sample::rssKib).average().orElse(0) / 1024.0,
        cpu,
        window.size());
  }

  @Override
  public void close() {
    timer.shutdownNow();
  }
}
