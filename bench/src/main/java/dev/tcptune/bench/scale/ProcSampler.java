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
 * Samples one process and the processes it started every second from /proc: resident memory (VmRSS
 * of the process plus that of its live descendants, such as the agent's kept {@code ip} processes;
 * VmHWM, the kernel's own peak, of the process alone) and CPU time (utime + stime of
 * /proc/PID/stat, plus cutime + cstime of the children it has reaped and utime + stime of the live
 * ones): what the node pays for it.
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
    long descendantsRss = 0;
    for (long child : descendants(pid)) {
      descendantsRss += rssKib(child);
    }
    return new Sample(System.nanoTime(), rss + descendantsRss, hwm, cpuTicks(pid));
  }

  private static long[] descendants(long pid) {
    return ProcessHandle.of(pid).stream()
        .flatMap(ProcessHandle::descendants)
        .mapToLong(ProcessHandle::pid)
        .toArray();
  }

  /** VmRSS of {@code pid}, 0 once it has ended. */
  private static long rssKib(long pid) {
    try {
      for (String line : Files.readAllLines(Path.of("/proc", String.valueOf(pid), "status"))) {
        if (line.startsWith("VmRSS:")) {
          return kib(line);
        }
      }
    } catch (IOException e) {
      // Ended between listing and reading: its memory is gone.
    }
    return 0;
  }

  /**
   * CPU of {@code pid} so far, in USER_HZ ticks: its own, its reaped children's, and its live
   * descendants' own.
   */
  static long cpuTicks(long pid) throws IOException {
    long[] f = stat(pid);
    long ticks = f[11] + f[12] + f[13] + f[14];
    for (long child : descendants(pid)) {
      try {
        long[] c = stat(child);
        ticks += c[11] + c[12];
      } catch (IOException e) {
        // Ended meanwhile: its time is (or will be) in its parent's cutime.
      }
    }
    return ticks;
  }

  /** The numeric fields of /proc/PID/stat after the command name, indexed from state = 0. */
  private static long[] stat(long pid) throws IOException {
    String stat = Files.readString(Path.of("/proc", String.valueOf(pid), "stat"));
    // The command name is in parentheses and may hold spaces.
    String[] words = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
    long[] fields = new long[15];
    for (int i = 1; i < fields.length; i++) {
      fields[i] = Long.parseLong(words[i]);
    }
    return fields;
  }

  /** CPU seconds of {@code pid} so far. */
  static double cpuSeconds(long pid) throws IOException {
    return cpuTicks(pid) / TICKS_PER_SECOND;
  }

  /** CPU seconds of {@code pid}'s own threads so far, without any child process's. */
  static double ownCpuSeconds(long pid) throws IOException {
    long[] f = stat(pid);
    return (f[11] + f[12]) / TICKS_PER_SECOND;
  }

  /**
   * Where the resident memory of {@code pid} is now: anonymous pages (what a cgroup cannot take
   * back short of swapping) against file-backed ones (the JVM's code, mapped class-data archives:
   * page cache the kernel may drop and that other processes share), and from smaps_rollup the
   * proportional share and what is private to the process; then the VmRSS of its live child
   * processes, which the sampled VmRSS includes.
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
      long[] descendants = descendants(pid);
      if (descendants.length > 0) {
        long rss = 0;
        for (long child : descendants) {
          rss += rssKib(child);
        }
        b.append(
            String.format(
                "of which %d child processes %.1f MiB, ", descendants.length, rss / 1024.0));
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
