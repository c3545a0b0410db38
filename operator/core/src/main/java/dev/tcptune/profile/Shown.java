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

  /**
   * The text, with control characters and characters that do not show (zero-width, direction
   * overrides, spaces other than ' ') escaped as \\uXXXX, cut after {@link #MAX} characters: a key
   * with a zero-width space in it must not look like the field it was meant to be, and a
   * right-to-left override must not turn the rest of the terminal line around.
   */
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
    int i = 0;
    for (; i < value.length() && shown < max; shown++) {
      int c = value.codePointAt(i);
      i += Character.charCount(c);
      switch (c) {
        case '\n' -> out.append("\\n");
        case '\r' -> out.append("\\r");
        case '\t' -> out.append("\\t");
        default -> {
          if (hidden(c)) {
            out.append(String.format("\\u%04x", c));
          } else {
            out.appendCodePoint(c);
          }
        }
      }
    }
    if (i < value.length()) {
      out.append("… (").append(value.codePointCount(0, value.length())).append(" characters)");
    }
    return out.toString();
  }

  private static boolean hidden(int c) {
    return switch (Character.getType(c)) {
      case Character.CONTROL,
          Character.FORMAT,
          Character.LINE_SEPARATOR,
          Character.PARAGRAPH_SEPARATOR,
          Character.PRIVATE_USE,
          Character.UNASSIGNED,
          // Half of a surrogate pair alone (a whole pair is one code point here).
          Character.SURROGATE ->
          true;
      case Character.SPACE_SEPARATOR -> c != ' ';
      default -> false;
    };
  }

  /** The text in single quotes, as {@link #text}. */
  static String quoted(String value) {
    return "'" + text(value) + "'";
  }
}
