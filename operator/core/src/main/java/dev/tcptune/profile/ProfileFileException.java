package dev.tcptune.profile;

/**
 * A profile file that cannot be used; the message is one line naming the field, the value and what
 * is allowed.
 */
public class ProfileFileException extends Exception {
  public ProfileFileException(String message) {
    super(message);
  }

  public ProfileFileException(String message, Throwable cause) {
    super(message, cause);
  }
}
