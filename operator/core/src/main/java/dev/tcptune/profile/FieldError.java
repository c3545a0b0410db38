package dev.tcptune.profile;

/**
 * One thing wrong with a profile, in the form users see at admission: the field, then what is wrong
 * with its value and what is allowed.
 */
public record FieldError(String path, String message) {
  @Override
  public String toString() {
    return path + ": " + message;
  }
}
