package dev.tcptune.profile;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parses the {@code rtoMin} durations of route rules ({@code 50ms}, {@code 1s}), the same form the
 * CRD allows.
 */
public final class RtoDurations {

  private static final Pattern DURATION = Pattern.compile("(\\d{1,7})(ms|s)");

  private RtoDurations() {}

  /** The duration in milliseconds, empty when the text is not of the allowed form. */
  public static Optional<Integer> parseMillis(String text) {
    if (text == null) {
      return Optional.empty();
    }
    Matcher m = DURATION.matcher(text.trim());
    if (!m.matches()) {
      return Optional.empty();
    }
    int amount = Integer.parseInt(m.group(1));
    return Optional.of(m.group(2).equals("s") ? amount * 1000 : amount);
  }
}
