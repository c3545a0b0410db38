package dev.tcptune.kernel.timing;

import java.time.Duration;
import java.util.Objects;

/**
 * A time the kernel takes, as a typical value and the range it falls in. The range comes from what
 * a user-space model cannot know exactly: how late the kernel's timer wheel fires a timer (up to
 * one bucket of its level, which grows with the delay), and how far the connection's measured round
 * trip lifts the RTO above its floor.
 *
 * @param typical the value to expect
 * @param earliest no timer fires late, the RTO sits exactly on its floor
 * @param latest every timer fires at the end of its bucket
 */
public record Estimate(Duration typical, Duration earliest, Duration latest) {

  public Estimate {
    Objects.requireNonNull(typical, "typical");
    Objects.requireNonNull(earliest, "earliest");
    Objects.requireNonNull(latest, "latest");
    if (earliest.compareTo(typical) > 0 || typical.compareTo(latest) > 0) {
      throw new IllegalArgumentException(
          "estimate: expected earliest <= typical <= latest, got "
              + earliest
              + ", "
              + typical
              + ", "
              + latest);
    }
  }

  /** An exact time: the same value three times. */
  public static Estimate exactly(Duration d) {
    return new Estimate(d, d, d);
  }
}
