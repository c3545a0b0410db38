package dev.tcptune.kernel.apply;

import java.util.Objects;
import java.util.Optional;

/**
 * What happened to one sysctl: enough to show desired / actual / original in a node's status
 * without another read.
 *
 * @param key the sysctl key
 * @param mode the entry's mode (restores report {@link Mode#ENFORCE})
 * @param desired the desired value (the original, for a restore)
 * @param original the journaled original, if any
 * @param actual the value read at the end, empty when missing or unreadable
 * @param status the outcome
 * @param message details for humans (errors name key, value and reason); empty when all is well
 */
public record SettingResult(
    String key,
    Mode mode,
    String desired,
    Optional<String> original,
    Optional<String> actual,
    SettingStatus status,
    String message) {

  public SettingResult {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(mode, "mode");
    Objects.requireNonNull(desired, "desired");
    Objects.requireNonNull(original, "original");
    Objects.requireNonNull(actual, "actual");
    Objects.requireNonNull(status, "status");
    Objects.requireNonNull(message, "message");
  }
}
