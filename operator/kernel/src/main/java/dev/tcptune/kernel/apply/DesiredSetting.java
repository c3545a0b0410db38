package dev.tcptune.kernel.apply;

import java.util.Objects;

/**
 * One desired sysctl. The key and value are untrusted input (they may come from a hand-written
 * TcpNodeState): the planner accepts only catalog keys with values in the catalog's ranges.
 *
 * @param key the sysctl key, e.g. {@code net.core.somaxconn}
 * @param value the desired value as text ({@code "4096"}, {@code "10240 65000"})
 * @param mode enforce (write) or audit (compare only)
 */
public record DesiredSetting(String key, String value, Mode mode) {

  public DesiredSetting {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(value, "value");
    Objects.requireNonNull(mode, "mode");
  }

  /** An enforced setting. */
  public static DesiredSetting enforce(String key, String value) {
    return new DesiredSetting(key, value, Mode.ENFORCE);
  }

  /** An audited setting. */
  public static DesiredSetting audit(String key, String value) {
    return new DesiredSetting(key, value, Mode.AUDIT);
  }
}
