package dev.tcptune.fleet;

import dev.tcptune.api.v1alpha1.RolloutSettings;
import dev.tcptune.profile.RolloutRules;
import io.fabric8.kubernetes.api.model.IntOrString;

/** {@code spec.rollout.maxUnavailable}: a count or a percent of the selected nodes. */
public final class MaxUnavailable {

  /** Safe default: one node changes at a time. */
  public static final int DEFAULT = 1;

  private static final String PATH = "spec.rollout.maxUnavailable";

  private MaxUnavailable() {}

  /**
   * How many of {@code selected} nodes may change at once; at least 1. Validate first ({@code
   * ProfileValidator} checks it with {@link RolloutRules}).
   */
  public static int resolve(RolloutSettings rollout, int selected) {
    IntOrString value = rollout == null ? null : rollout.getMaxUnavailable();
    if (value == null) {
      return DEFAULT;
    }
    if (value.getIntVal() != null) {
      return Math.max(1, value.getIntVal());
    }
    String percent = value.getStrVal();
    if (!RolloutRules.PERCENT.matcher(percent).matches()) {
      throw new IllegalArgumentException(PATH + ": '" + value.getStrVal() + "' is not a percent");
    }
    return Math.max(
        1, selected * Integer.parseInt(percent.substring(0, percent.length() - 1)) / 100);
  }

  /** Whether a failing node pauses the rollout (default true). */
  public static boolean pauseOnFailure(RolloutSettings rollout) {
    return rollout == null || rollout.getPauseOnFailure() == null || rollout.getPauseOnFailure();
  }
}
