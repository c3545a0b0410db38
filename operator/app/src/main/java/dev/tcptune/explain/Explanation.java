package dev.tcptune.explain;

import dev.tcptune.kernel.timing.TcpTimings;
import java.util.List;

/**
 * What a profile implies.
 *
 * @param profile the profile's name
 * @param timings the timings computed from the profile (kernel defaults where it sets nothing)
 * @param facts sentences a person reads: "connect() to a silent peer gives up after 15 s ..."
 * @param warnings risky values, each naming the field and why
 */
public record Explanation(
    String profile, TcpTimings timings, List<String> facts, List<String> warnings) {}
