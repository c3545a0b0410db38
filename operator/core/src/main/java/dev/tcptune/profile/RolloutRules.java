package dev.tcptune.profile;

import static dev.tcptune.api.v1alpha1.RolloutSettings.MAX_MAX_UNAVAILABLE;
import static dev.tcptune.api.v1alpha1.RolloutSettings.MAX_UNAVAILABLE_ALLOWED;
import static dev.tcptune.api.v1alpha1.RolloutSettings.MIN_MAX_UNAVAILABLE;

import dev.tcptune.api.v1alpha1.RolloutSettings;
import io.fabric8.kubernetes.api.model.IntOrString;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The CRD's rule for {@code spec.rollout.maxUnavailable}: a count or a percent of the selected
 * nodes. Here, not only in the operator, so that the CLI refuses what the API server refuses.
 */
public final class RolloutRules {

  static final String PATH = "spec.rollout.maxUnavailable";

  /** The CRD's pattern of a percent. */
  public static final Pattern PERCENT = Pattern.compile(RolloutSettings.MAX_UNAVAILABLE_PERCENT);

  private RolloutRules() {}

  /** The error of maxUnavailable, empty when it is absent or allowed. */
  static Optional<FieldError> check(RolloutSettings rollout) {
    IntOrString value = rollout == null ? null : rollout.getMaxUnavailable();
    if (value == null || (value.getIntVal() == null && value.getStrVal() == null)) {
      return Optional.empty();
    }
    if (value.getIntVal() != null) {
      int count = value.getIntVal();
      if (count >= MIN_MAX_UNAVAILABLE && count <= MAX_MAX_UNAVAILABLE) {
        return Optional.empty();
      }
      return Optional.of(
          new FieldError(
              PATH,
              count
                  + " is "
                  + (count < MIN_MAX_UNAVAILABLE ? "below" : "above")
                  + " the allowed range (allowed: "
                  + MAX_UNAVAILABLE_ALLOWED
                  + ")"));
    }
    if (PERCENT.matcher(value.getStrVal()).matches()) {
      return Optional.empty();
    }
    return Optional.of(
        new FieldError(
            PATH,
            Shown.quoted(value.getStrVal())
                + " is not allowed (allowed: "
                + MAX_UNAVAILABLE_ALLOWED
                + ")"));
  }
}
