package dev.tcptune.kernel.catalog;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A Linux kernel version, reduced to what decides whether a tunable exists (for example {@code
 * tcp_rto_min_us} needs 6.11). Vendor suffixes such as {@code -fc-v782} are irrelevant for that and
 * are dropped.
 */
public record KernelVersion(int major, int minor, int patch) implements Comparable<KernelVersion> {

  private static final Pattern VERSION = Pattern.compile("^\\s*(\\d+)\\.(\\d+)(?:\\.(\\d+))?");
  private static final Comparator<KernelVersion> ORDER =
      Comparator.comparingInt(KernelVersion::major)
          .thenComparingInt(KernelVersion::minor)
          .thenComparingInt(KernelVersion::patch);

  public KernelVersion {
    if (major < 0 || minor < 0 || patch < 0) {
      throw new IllegalArgumentException(
          "kernel version: " + major + "." + minor + "." + patch + " has a negative part");
    }
  }

  /** Convenience factory, for example {@code of(6, 11, 0)}. */
  public static KernelVersion of(int major, int minor, int patch) {
    return new KernelVersion(major, minor, patch);
  }

  /**
   * Parses the content of {@code /proc/sys/kernel/osrelease} or {@code uname -r}, for example
   * {@code "6.18.44-fc-v782"} or {@code "5.4"}.
   *
   * @throws IllegalArgumentException when the text does not start with {@code MAJOR.MINOR}
   */
  public static KernelVersion parse(String osrelease) {
    Objects.requireNonNull(osrelease, "osrelease");
    Matcher m = VERSION.matcher(osrelease);
    if (!m.find()) {
      throw new IllegalArgumentException(
          "kernel version: '"
              + osrelease.strip()
              + "' is not of the form MAJOR.MINOR[.PATCH][-suffix]");
    }
    int patch = m.group(3) == null ? 0 : Integer.parseInt(m.group(3));
    return new KernelVersion(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)), patch);
  }

  /** The version of the running kernel (the same in every network namespace). */
  public static KernelVersion running() {
    try {
      return parse(dev.tcptune.kernel.exec.ProcFiles.read(Path.of("/proc/sys/kernel/osrelease")));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read /proc/sys/kernel/osrelease", e);
    }
  }

  /** True when this version is {@code other} or newer. */
  public boolean isAtLeast(KernelVersion other) {
    return compareTo(other) >= 0;
  }

  @Override
  public int compareTo(KernelVersion other) {
    return ORDER.compare(this, other);
  }

  @Override
  public String toString() {
    return major + "." + minor + "." + patch;
  }
}
