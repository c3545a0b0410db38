package dev.tcptune.audit;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.tcptune.kernel.apply.ApplyReport;
import dev.tcptune.kernel.stats.Listener;
import java.util.List;
import java.util.Map;

/**
 * What {@code tcptune audit} found: every setting and route rule of the profile compared with the
 * machine, the socket statistics, and the listeners that a raised somaxconn does not reach yet.
 *
 * @param profile the profile's name
 * @param namespace {@code host} or the name of the network namespace audited
 * @param kernel the running kernel release
 * @param report per setting and route rule: desired, actual, status
 * @param sockets socket counts and cumulative counters
 * @param ratesPerSecond counter rates over the sampling interval; empty when only one sample was
 *     taken
 * @param somaxconn the somaxconn the listeners were compared with
 * @param listenersBelowSomaxconn listening sockets whose backlog is below that somaxconn
 */
public record AuditResult(
    String profile,
    String namespace,
    String kernel,
    ApplyReport report,
    Map<String, Long> sockets,
    Map<String, Double> ratesPerSecond,
    int somaxconn,
    List<Listener> listenersBelowSomaxconn) {

  /** True when every setting and route rule matches the profile. */
  @JsonProperty("inSync")
  public boolean inSync() {
    return report.settings().stream().allMatch(s -> s.status().isGood())
        && report.routes().stream().allMatch(r -> r.status().isGood());
  }
}
