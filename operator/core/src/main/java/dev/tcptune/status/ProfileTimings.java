package dev.tcptune.status;

import dev.tcptune.api.v1alpha1.DerivedTimings;
import dev.tcptune.api.v1alpha1.TcpNodeState;
import dev.tcptune.api.v1alpha1.TcpProfile;
import dev.tcptune.kernel.apply.DesiredState;
import dev.tcptune.kernel.catalog.KernelVersion;
import dev.tcptune.kernel.route.RouteRule;
import dev.tcptune.kernel.timing.Estimate;
import dev.tcptune.kernel.timing.TcpTimings;
import dev.tcptune.kernel.timing.TimingBasis;
import dev.tcptune.profile.ProfileTranslator;
import java.math.BigDecimal;
import java.math.MathContext;
import java.time.Duration;
import java.util.Collection;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * What a profile's values mean in seconds, for its status: the figures {@code tcptune explain}
 * gives, on the oldest kernel among the nodes it selects (the slowest case: older kernels lack
 * {@code tcp_syn_linear_timeouts} and a tunable RTO ceiling), with every key the profile does not
 * set at that kernel's default. Figures are rounded to 0.1 s so that a status rebuilt from the same
 * inputs is equal and causes no write.
 *
 * <p>An instance keeps what it worked out: a profile's status is rebuilt after every node's report,
 * and simulating the kernel's timers, and parsing every node's kernel version, each time took a
 * seventh of the operator's CPU in a staged rollout of 1,000 nodes.
 */
public final class ProfileTimings {

  /** Beyond this many entries a cache starts again: profiles and kernels are few, edits are not. */
  private static final int MAX_ENTRIES = 512;

  private record Key(DesiredState desired, KernelVersion kernel) {}

  private final Map<String, Optional<KernelVersion>> versions = new ConcurrentHashMap<>();
  private final Map<Key, DerivedTimings> figures = new ConcurrentHashMap<>();

  /**
   * The timings of a valid {@code profile} on the oldest kernel the {@code states} report; empty
   * while no selected node has reported a kernel version it can read.
   */
  public static Optional<DerivedTimings> of(TcpProfile profile, Collection<TcpNodeState> states) {
    return new ProfileTimings().timingsOf(profile, states);
  }

  /** {@link #of(TcpProfile, Collection)}, from what this instance already worked out. */
  public Optional<DerivedTimings> timingsOf(TcpProfile profile, Collection<TcpNodeState> states) {
    return oldestKernel(states)
        .map(
            kernel ->
                cached(
                    figures,
                    new Key(ProfileTranslator.desiredState(profile.getSpec()), kernel),
                    key -> of(key.desired(), key.kernel())));
  }

  private static <K, V> V cached(Map<K, V> cache, K key, Function<K, V> compute) {
    V known = cache.get(key);
    if (known != null) {
      return known;
    }
    if (cache.size() >= MAX_ENTRIES) {
      cache.clear();
    }
    return cache.computeIfAbsent(key, compute);
  }

  static DerivedTimings of(DesiredState desired, KernelVersion kernel) {
    OptionalInt routeFloor = desired.routeRules().stream().mapToInt(RouteRule::rtoMillis).min();
    TcpTimings t = TimingBasis.defaultsOf(kernel).timings(desired.sysctls(), routeFloor);
    DerivedTimings timings = new DerivedTimings();
    timings.setKernelVersion(kernel.toString());
    timings.setConnectTimeoutSeconds(seconds(t.connectGiveUp()));
    timings.setSynAckTimeoutSeconds(seconds(t.synAckDrop()));
    timings.setDeadPeerDetectionSeconds(seconds(t.deadPeerDetection()));
    timings.setEstablishedTimeoutSeconds(seconds(t.establishedGiveUp()));
    timings.setMaxConnectionsPerSecondPerDestination(
        connectionsPerSecond(t.maxNewConnectionsPerSecondPerDestination()));
    return timings;
  }

  /**
   * Whole connections per second, rounded down; below one a second three significant digits (a
   * one-port range is 0.0167, one every 60 s, where rounding down said 0).
   */
  private static double connectionsPerSecond(double rate) {
    return rate >= 1
        ? Math.floor(rate)
        : new BigDecimal(rate).round(new MathContext(3)).doubleValue();
  }

  /** Agents write the kernel version: text that does not parse is ignored, never trusted. */
  private Optional<KernelVersion> oldestKernel(Collection<TcpNodeState> states) {
    KernelVersion oldest = null;
    for (TcpNodeState state : states) {
      if (state == null
          || state.getStatus() == null
          || state.getStatus().getKernelVersion() == null) {
        continue;
      }
      Optional<KernelVersion> version =
          cached(versions, state.getStatus().getKernelVersion(), ProfileTimings::parse);
      if (version.isPresent() && (oldest == null || version.get().compareTo(oldest) < 0)) {
        oldest = version.get();
      }
    }
    return Optional.ofNullable(oldest);
  }

  private static Optional<KernelVersion> parse(String text) {
    try {
      return Optional.of(KernelVersion.parse(text));
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
  }

  private static double seconds(Estimate estimate) {
    Duration typical = estimate.typical();
    return Math.round(typical.toMillis() / 100.0) / 10.0;
  }
}
