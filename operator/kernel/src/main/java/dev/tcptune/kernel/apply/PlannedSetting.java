package dev.tcptune.kernel.apply;

import java.util.Objects;
import java.util.Optional;

/**
 * One sysctl in a {@link Plan}: current versus desired and the decision taken.
 *
 * @param key the sysctl key (as given, also when invalid)
 * @param mode the entry's mode: {@link Mode#AUDIT} entries are never written
 * @param desired the desired value, normalized
 * @param current the value now, empty when the key is missing (or unknown, not read)
 * @param action what the applier will do (for an audit entry WRITE means "differs")
 * @param message why (error text for INVALID/UNSUPPORTED, empty otherwise)
 */
public record PlannedSetting(
    String key,
    Mode mode,
    String desired,
    Optional<String> current,
    PlanAction action,
    String message) {

  public PlannedSetting {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(mode, "mode");
    Objects.requireNonNull(desired, "desired");
    Objects.requireNonNull(current, "current");
    Objects.requireNonNull(action, "action");
    Objects.requireNonNull(message, "message");
  }
}
