package dev.tcptune.fleet;

import dev.tcptune.api.v1alpha1.RolloutSettings;
import dev.tcptune.profile.FieldError;
import io.fabric8.kubernetes.api.model.IntOrString;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** {@code spec.rollout.maxUnavailable}: a count or a percent of the selected nodes. */
public final class MaxUnavailable {

  /** Safe default: one node changes at a time. */
  public static final int DEFAULT = 1;

  private static final String PATH = "spec.rollout.maxUnavailable";
  private static final Pattern PERCENT = Pattern.compile("([0-9]{1,3})%");

  private MaxUnavailable() {}

  public static Optional<FieldError> validate(RolloutSettings rollout) {
    IntOrString value = rollout == null ? null : rollout.getMaxUnavailable();
    if (value == null) {
      return Optional.empty();
    }
    if (value.getIntVal() != null) {
      int count = value.getIntVal();
      return count >= 1 && count <= 10000
          ? Optional.empty()
          : Optional.of(new FieldError(PATH, count + " is outside the allowed range 1..10000"));
    }
    Matcher percent = PERCENT.matcher(String.valueOf(value.getStrVal()));
    if (percent.matches()) {
      int p = Integer.parseInt(percent.group(1));
      if (p >= 1 && p <= 100) {
        return Optional.empty();
      }
    }
    return Optional.of(
        new FieldError(
            PATH,
            "'"
                + value.getStrVal()
                + "' is not allowed (allowed: a count 1..10000 or a percent \"1%\"..\"100%\")"));
  }

  /** How many of {@code selected} nodes may change at once; at least 1. Validate first. */
  public static int resolve(RolloutSettings rollout, int selected) {
    IntOrString value = rollout == null ? null : rollout.getMaxUnavailable();
    if (value == null) {
      return DEFAULT;
    }
    if (value.getIntVal() != null) {
      return Math.max(1, value.getIntVal());
    }
    Matcher percent = PERCENT.matcher(value.getStrVal());
    if (!percent.matches()) {
      throw new IllegalArgumentException(PATH + ": '" + value.getStrVal() + "' is not a percent");
    }
    return Math.max(1, selected * Integer.parseInt(percent.group(1)) / 100);
  }

  /** Whether a failing node pauses the rollout (default true). */
  public static boolean pauseOnFailure(RolloutSettings rollout) {
    return rollout == null || rollout.getPauseOnFailure() == null || rollout.getPauseOnFailure();
  }
}
