package dev.tcptune.kernel.apply;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * Durable memory of the values found before tcptune's first write, so a restore puts the node back
 * exactly even after a crash. {@code record*} must have persisted the value when it returns (the
 * applier writes the key only afterwards) and throws when it cannot; the agent persists into the
 * node's status, the CLI into a file. The first recorded value wins: recording a key again keeps
 * the earlier original.
 */
public interface OriginalsJournal {

  /** The recorded original of a sysctl, if any. */
  Optional<String> original(String key);

  /** Records a sysctl's original value unless one is recorded already. */
  void record(String key, String originalValue);

  /** Forgets a sysctl's original (after a successful restore). */
  void forget(String key);

  /** Every recorded sysctl original, in recording order. */
  Map<String, String> originals();

  /** The recorded original of a route, if any. */
  Optional<RouteOriginal> routeOriginal(String routeId);

  /** Records a route's original {@code rto_min} (empty = unset) unless one is recorded already. */
  void recordRoute(String routeId, OptionalInt originalRtoMinMillis);

  /** Forgets a route's original (after a successful restore). */
  void forgetRoute(String routeId);

  /** Every recorded route original, in recording order. */
  List<RouteOriginal> routeOriginals();
}
