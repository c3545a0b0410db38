package dev.tcptune.kernel.route;

import java.util.Objects;
import java.util.Optional;

/**
 * What became of one {@link RouteChange}: either the route as read back after it (equal to the
 * route before in everything but {@code rto_min}), or an error naming the route and the kernel's
 * message. The caller still compares the read-back {@code rto_min} with the one it asked for.
 *
 * @param readBack the route read back after the change; empty when the change failed
 * @param error why the change failed; empty when it was made and read back
 */
public record RouteChangeOutcome(Optional<Route> readBack, Optional<String> error) {

  public RouteChangeOutcome {
    Objects.requireNonNull(readBack, "readBack");
    Objects.requireNonNull(error, "error");
    if (readBack.isPresent() == error.isPresent()) {
      throw new IllegalArgumentException("an outcome has either a read-back route or an error");
    }
  }

  /** The change was made; {@code readBack} is the route as the kernel shows it now. */
  public static RouteChangeOutcome changed(Route readBack) {
    return new RouteChangeOutcome(Optional.of(readBack), Optional.empty());
  }

  /** The change failed (or was undone); {@code error} names the route. */
  public static RouteChangeOutcome failed(String error) {
    return new RouteChangeOutcome(Optional.empty(), Optional.of(error));
  }

  /** True when the change was made and read back. */
  public boolean succeeded() {
    return readBack.isPresent();
  }
}
