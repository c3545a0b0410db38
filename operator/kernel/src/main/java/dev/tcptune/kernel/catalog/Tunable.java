package dev.tcptune.kernel.catalog;

import dev.tcptune.kernel.sysctl.SysctlValues;
import java.util.Objects;
import java.util.Optional;

/**
 * One sysctl that tcptune knows how to tune, with bounds that are deliberately stricter than what
 * the kernel accepts: the kernel happily takes nonsense (keepalive time 0, FIN timeout -1), so
 * sanity is our job and every refusal must say what is allowed.
 *
 * @param key the sysctl name, for example {@code net.core.somaxconn}
 * @param procPath path relative to {@code /proc/sys}, for example {@code net/core/somaxconn}
 * @param unit unit of the value
 * @param min lowest sane value (for {@link Unit#PORT_RANGE}: of each end)
 * @param max highest sane value (for {@link Unit#PORT_RANGE}: of each end)
 * @param minKernel first kernel version that has the key
 * @param meaning one line for humans
 * @param kernelDefault the default of a fresh network namespace, normalized
 */
public record Tunable(
    String key,
    String procPath,
    Unit unit,
    long min,
    long max,
    KernelVersion minKernel,
    String meaning,
    String kernelDefault) {

  public Tunable {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(procPath, "procPath");
    Objects.requireNonNull(unit, "unit");
    Objects.requireNonNull(minKernel, "minKernel");
    Objects.requireNonNull(meaning, "meaning");
    Objects.requireNonNull(kernelDefault, "kernelDefault");
    if (min > max) {
      throw new IllegalArgumentException(key + ": min " + min + " is above max " + max);
    }
  }

  /** Whether this key exists on the given kernel. */
  public boolean isSupportedOn(KernelVersion kernel) {
    return kernel.isAtLeast(minKernel);
  }

  /** The allowed values as text, for messages: {@code "128..65535"}. */
  public String allowedRange() {
    return unit == Unit.PORT_RANGE
        ? "two ports 'LOW HIGH', each " + min + ".." + max + ", LOW <= HIGH"
        : min + ".." + max;
  }

  /**
   * Checks a value against the sane range.
   *
   * @return empty when acceptable, else a message naming the key, the value and what is allowed,
   *     e.g. {@code "net.core.somaxconn: 100 is below the allowed range 128..65535"}
   */
  public Optional<String> validate(String value) {
    if (value == null || value.isBlank()) {
      return Optional.of(key + ": an empty value is not allowed (allowed: " + allowedRange() + ")");
    }
    String normalized = SysctlValues.normalize(value);
    return unit == Unit.PORT_RANGE ? validatePortRange(normalized) : validateSingle(normalized);
  }

  private Optional<String> validateSingle(String value) {
    Long number = parseLong(value);
    if (number == null) {
      return Optional.of(
          key
              + ": '"
              + value
              + "' is not an integer (allowed: integer in "
              + min
              + ".."
              + max
              + ")");
    }
    return checkBounds(String.valueOf(number), number);
  }

  private Optional<String> validatePortRange(String value) {
    String[] parts = value.split(" ");
    Long low = parts.length == 2 ? parseLong(parts[0]) : null;
    Long high = parts.length == 2 ? parseLong(parts[1]) : null;
    if (low == null || high == null) {
      return Optional.of(
          key + ": '" + value + "' is not allowed (allowed: " + allowedRange() + ")");
    }
    Optional<String> lowError = checkBounds("low port " + low, low);
    if (lowError.isPresent()) {
      return lowError;
    }
    Optional<String> highError = checkBounds("high port " + high, high);
    if (highError.isPresent()) {
      return highError;
    }
    if (low > high) {
      return Optional.of(
          key
              + ": '"
              + value
              + "' has LOW "
              + low
              + " above HIGH "
              + high
              + " (allowed: "
              + allowedRange()
              + ")");
    }
    return Optional.empty();
  }

  private Optional<String> checkBounds(String shown, long number) {
    if (number < min) {
      return Optional.of(key + ": " + shown + " is below the allowed range " + min + ".." + max);
    }
    if (number > max) {
      return Optional.of(key + ": " + shown + " is above the allowed range " + min + ".." + max);
    }
    return Optional.empty();
  }

  private static Long parseLong(String text) {
    if (!text.matches("[+-]?\\d{1,18}")) {
      return null;
    }
    return Long.parseLong(text);
  }
}
