package dev.tcptune.kernel.apply;

import java.util.Objects;
import java.util.OptionalInt;

/**
 * What the journal remembers of one route: its {@code rto_min} before tcptune first changed it
 * (empty means "no attribute": restoring it removes the attribute rather than writing 200 ms), and
 * the {@code rto_min} tcptune set last.
 *
 * @param routeId {@link dev.tcptune.kernel.route.Route#id()}
 * @param originalMillis the original value, empty when unset
 * @param lastWrittenMillis the value tcptune set (or is about to set) most recently
 */
public record RouteOriginal(String routeId, OptionalInt originalMillis, int lastWrittenMillis) {

  public RouteOriginal {
    Objects.requireNonNull(routeId, "routeId");
    Objects.requireNonNull(originalMillis, "originalMillis");
  }
}
