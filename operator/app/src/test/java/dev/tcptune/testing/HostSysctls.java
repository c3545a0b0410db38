package dev.tcptune.testing;

import dev.tcptune.kernel.exec.ProcFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * This machine's own sysctl values, read the way a user reads them ({@code sysctl -n}), for tests
 * that check the host is left as it was.
 */
public final class HostSysctls {

  private HostSysctls() {}

  /** The value of {@code key} in this process's network namespace, whitespace collapsed. */
  public static String value(String key) {
    try {
      // Through ProcFiles: Files.readString returns only the first byte of an integer sysctl.
      return ProcFiles.read(Path.of("/proc/sys", key.replace('.', '/')))
          .strip()
          .replaceAll("\\s+", " ");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The values of {@code keys}, in their order. */
  public static Map<String, String> values(Iterable<String> keys) {
    Map<String, String> values = new LinkedHashMap<>();
    keys.forEach(key -> values.put(key, value(key)));
    return values;
  }
}
