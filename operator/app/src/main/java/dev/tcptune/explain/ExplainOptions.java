package dev.tcptune.explain;

import java.time.Duration;
import java.util.Optional;

/**
 * What the user tells explain about their environment, so it can warn about values that do not fit.
 *
 * @param loadBalancerIdleTimeout idle timeout of a load balancer or NAT on the path
 * @param appConnectTimeout the applications' connect timeout
 * @param appReadTimeout the applications' read (response) timeout
 */
public record ExplainOptions(
    Optional<Duration> loadBalancerIdleTimeout,
    Optional<Duration> appConnectTimeout,
    Optional<Duration> appReadTimeout) {

  public static ExplainOptions none() {
    return new ExplainOptions(Optional.empty(), Optional.empty(), Optional.empty());
  }
}
