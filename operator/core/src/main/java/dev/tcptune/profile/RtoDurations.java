package dev.tcptune.profile;

import java.math.BigInteger;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parses the {@code rtoMin} durations of route rules ({@code 50ms}, {@code 1s}), the same form the
 * CRD allows: digits and a unit, nothing around them (the API server does not trim either).
 */
public final class RtoDurations {

  /** The CRD's pattern of rtoMin. */
  static final Pattern DURATION = Pattern.compile("([0-9]+)(ms|s)");

  /** The CRD's maxLength of rtoMin. */
  static final int MAX_LENGTH = 16;

  private static final BigInteger INT_MAX = BigInteger.valueOf(Integer.MAX_VALUE);

  private RtoDurations() {}

  /**
   * The duration in milliseconds, empty when the text is not of the allowed form; durations beyond
   * {@code Integer.MAX_VALUE} ms read as {@code Integer.MAX_VALUE}, which no range allows.
   */
  public static Optional<Integer> parseMillis(String text) {
    if (text == null || text.length() > MAX_LENGTH) {
      return Optional.empty();
    }
    Matcher m = DURATION.matcher(text);
    if (!m.matches()) {
      return Optional.empty();
    }
    BigInteger millis = new BigInteger(m.group(1));
    if (m.group(2).equals("s")) {
      millis = millis.multiply(BigInteger.valueOf(1000));
    }
    return Optional.of(millis.min(INT_MAX).intValueExact());
  }
}
