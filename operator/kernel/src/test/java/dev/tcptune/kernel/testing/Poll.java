package dev.tcptune.kernel.testing;

import java.time.Duration;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Polls a condition until it holds or a deadline passes: kernel tests wait on state, never sleep
 * blindly.
 */
public final class Poll {

  private Poll() {}

  /**
   * Returns the first present value of {@code probe}, failing after {@code timeout} with {@code
   * what}.
   */
  public static <T> T until(Duration timeout, String what, Supplier<Optional<T>> probe) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      Optional<T> value = probe.get();
      if (value.isPresent()) {
        return value.get();
      }
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out after " + timeout + " waiting for " + what);
      }
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError("interrupted waiting for " + what, e);
      }
    }
  }
}
