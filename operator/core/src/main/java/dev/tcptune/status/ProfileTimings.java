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
import java.time.Duration;
import java.util.Collection;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * What a profile's values mean in seconds, for its status: the figures {@code tcptune explain}
 * gives, on the oldest kernel among the nodes it selects (the slowest case: older kernels lack
 * {@code tcp_syn_linear_timeouts} and a tunable RTO ceiling), with every key the profile does not
 * set at that kernel's default. Figures are rounded to 0.1 s so that a status rebuilt from the same
 * inputs is equal and causes no write.
 */
public final class ProfileTimings {

  private ProfileTimings() {}

  /**
   * The timings of a valid {@code profile} on the oldest kernel the {@code states} report; empty
   * while no selected node has reported a kernel version it can read.
   */
  public static Optional<DerivedTimings> of(TcpProfile profile, Collection<TcpNodeState> states) {
    return oldestKernel(states)
        .map(kernel -> of(ProfileTranslator.desiredState(profile.getSpec()), kernel));
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
        Math.floor(t.maxNewConnectionsPerSecondPerDestination()));
    return timings;
  }

  /** Agents write the kernel version: text that does not parse is ignored, never trusted. */
  private static Optional<KernelVersion> oldestKernel(Collection<TcpNodeState> states) {
    return states.stream()
        .filter(Objects::nonNull)
        .map(TcpNodeState::getStatus)
        .filter(Objects::nonNull)
        .map(s -> s.getKernelVersion())
        .filter(Objects::nonNull)
        .flatMap(text -> parse(text).stream())
        .min(KernelVersion::compareTo);
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
