package dev.tcptune.kernel.timing;

import dev.tcptune.kernel.catalog.KernelVersion;
import dev.tcptune.kernel.catalog.Tunable;
import dev.tcptune.kernel.catalog.TunableCatalog;
import dev.tcptune.kernel.sysctl.SysctlStore;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * What the timings of a profile rest on besides the profile: the kernel version and the values of
 * the keys the profile does not set (for example {@code tcp_syn_linear_timeouts} or {@code
 * tcp_rto_min_us}), either read from a namespace or the defaults of a kernel version.
 *
 * @param kernel the kernel version
 * @param source where the values come from, for people ("network namespace x", "kernel defaults")
 * @param values catalog key to value, only keys this kernel has
 * @param rtoMax the RTO ceiling ({@code tcp_rto_max_ms} from 6.15, else 120 s)
 */
public record TimingBasis(
    KernelVersion kernel, String source, Map<String, String> values, Duration rtoMax) {

  /** The sysctl of the RTO ceiling (kernel 6.15+, milliseconds). */
  public static final String TCP_RTO_MAX_MS = "net.ipv4.tcp_rto_max_ms";

  public TimingBasis {
    Objects.requireNonNull(kernel, "kernel");
    Objects.requireNonNull(source, "source");
    Objects.requireNonNull(rtoMax, "rtoMax");
    values = Collections.unmodifiableMap(new LinkedHashMap<>(values));
  }

  /**
   * The defaults of a fresh namespace on {@code kernel}: what a node of that version starts with.
   */
  public static TimingBasis defaultsOf(KernelVersion kernel) {
    Map<String, String> values = new LinkedHashMap<>();
    for (Tunable t : TunableCatalog.standard().all()) {
      if (t.isSupportedOn(kernel)) {
        values.put(t.key(), t.kernelDefault());
      }
    }
    return new TimingBasis(kernel, "defaults of kernel " + kernel, values, TcpTimings.RTO_MAX);
  }

  /**
   * The values of a namespace: every catalog key it has, and its RTO ceiling.
   *
   * @throws IllegalArgumentException when tcp_rto_max_ms is not a number
   */
  public static TimingBasis read(SysctlStore store, KernelVersion kernel, String source) {
    Map<String, String> values = new LinkedHashMap<>();
    for (Tunable t : TunableCatalog.standard().all()) {
      store.read(t.key()).ifPresent(v -> values.put(t.key(), v));
    }
    Optional<String> rtoMax = store.read(TCP_RTO_MAX_MS);
    Duration ceiling = TcpTimings.RTO_MAX;
    if (rtoMax.isPresent()) {
      try {
        ceiling = Duration.ofMillis(Long.parseLong(rtoMax.get()));
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException(
            TCP_RTO_MAX_MS + ": '" + rtoMax.get() + "' is not an integer", e);
      }
    }
    return new TimingBasis(kernel, source, values, ceiling);
  }

  /** The timings of {@code profileValues} (which win over this basis) on this kernel. */
  public TcpTimings timings(Map<String, String> profileValues, java.util.OptionalInt routeRtoMin) {
    Map<String, String> effective = new LinkedHashMap<>(values);
    effective.putAll(profileValues);
    return TcpTimings.of(effective, routeRtoMin, kernel, rtoMax);
  }
}
