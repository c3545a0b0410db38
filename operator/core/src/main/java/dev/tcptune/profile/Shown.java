package dev.tcptune.profile;

/**
 * Values as error messages show them: one line, and short, so that a 100,000-character value is not
 * echoed back.
 */
final class Shown {

  /** Longest value shown in a message, in characters. */
  static final int MAX = 64;

  private Shown() {}

  /** Longest message of another library (Jackson, SnakeYAML) shown, in characters. */
  static final int MAX_MESSAGE = 200;

  /** The text, with control characters escaped and cut after {@link #MAX} characters. */
  static String text(String value) {
    return text(value, MAX);
  }

  /** A message of another library: it may quote the input, so it is cut as a value is. */
  static String message(String value) {
    return text(value == null ? "" : value.lines().findFirst().orElse(""), MAX_MESSAGE);
  }

  private static String text(String value, int max) {
    if (value == null) {
      return "null";
    }
    StringBuilder out = new StringBuilder();
    int shown = 0;
    for (int i = 0; i < value.length() && shown < max; i++, shown++) {
      char c = value.charAt(i);
      switch (c) {
        case '\n' -> out.append("\\n");
        case '\r' -> out.append("\\r");
        case '\t' -> out.append("\\t");
        default -> out.append(Character.isISOControl(c) ? String.format("\\u%04x", (int) c) : c);
      }
    }
    if (value.length() > max) {
      out.append("… (").append(value.length()).append(" characters)");
    }
    return out.toString();
  }

  /** The text in single quotes, as {@link #text}. */
  static String quoted(String value) {
    return "'" + text(value) + "'";
  }
}
