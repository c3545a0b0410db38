package dev.tcptune.kernel.sysctl;

import java.util.regex.Pattern;

/**
 * The one normalization of sysctl values, so that {@code "32768\t60999\n"} read from /proc and
 * {@code "32768 60999"} from a profile compare equal everywhere.
 */
public final class SysctlValues {

  private static final Pattern WHITESPACE = Pattern.compile("\\s+");
  private static final Pattern KEY = Pattern.compile("[a-z0-9_]+(\\.[a-z0-9_-]+)+");

  private SysctlValues() {}

  /** Strips and collapses every run of whitespace to one space. */
  public static String normalize(String raw) {
    return WHITESPACE.matcher(raw.strip()).replaceAll(" ");
  }

  /**
   * The path of a key relative to {@code /proc/sys}: {@code net.core.somaxconn ->
   * net/core/somaxconn}.
   *
   * @throws IllegalArgumentException when the key could escape /proc/sys or is not a sysctl name
   */
  public static String procPath(String key) {
    if (key == null || !KEY.matcher(key).matches()) {
      throw new IllegalArgumentException(
          "sysctl key: '"
              + key
              + "' is not allowed (allowed: dotted lowercase names such as"
              + " net.core.somaxconn)");
    }
    return key.replace('.', '/');
  }
}
