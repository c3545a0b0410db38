package dev.tcptune.explain;

import dev.tcptune.kernel.timing.TcpTimings;
import dev.tcptune.kernel.timing.TimingBasis;
import java.util.List;

/**
 * What a profile implies.
 *
 * @param profile the profile's name
 * @param basis the kernel and the values of keys the profile does not set that the figures are for
 * @param timings the timings computed from the profile over that basis
 * @param routes figures on the namespace's routes that carry their own {@code rto_min}, one entry
 *     per value (empty for --kernel, or when no route carries one the profile does not set)
 * @param facts sentences a person reads: "connect() to a silent peer fails after about 19.4 s ..."
 * @param warnings risky values, each naming the field and why
 */
public record Explanation(
    String profile,
    TimingBasis basis,
    TcpTimings timings,
    List<RouteTimings> routes,
    List<String> facts,
    List<String> warnings) {}
