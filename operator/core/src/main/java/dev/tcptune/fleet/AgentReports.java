package dev.tcptune.fleet;

import dev.tcptune.api.v1alpha1.TcpNodeState;
import java.util.HashMap;
import java.util.Map;

/**
 * The agent reports of the node states a plan reads, by node name. A staged rollout plans the whole
 * fleet again after each node's report, but only that node's state changed: its report is read anew
 * and every other node keeps the report (and the answers) of the previous plan. The informer caches
 * replace a state object when it changes and never edit one, so the same object means the same
 * report.
 */
public final class AgentReports {

  private static final AgentReports NONE = new AgentReports(Map.of());

  private final Map<String, AgentReport> byNode;

  private AgentReports(Map<String, AgentReport> byNode) {
    this.byNode = byNode;
  }

  /** Reports of {@code states}, each read anew. */
  public static AgentReports of(Map<String, TcpNodeState> states) {
    return of(states, NONE);
  }

  /**
   * Reports of {@code states}: {@code previous}'s report of a node whose state is the same object,
   * a new report for any other.
   */
  public static AgentReports of(Map<String, TcpNodeState> states, AgentReports previous) {
    Map<String, AgentReport> reports = new HashMap<>();
    states.forEach(
        (node, state) -> {
          AgentReport known = previous.byNode.get(node);
          reports.put(
              node, known != null && known.state() == state ? known : new AgentReport(state));
        });
    return new AgentReports(reports);
  }

  /** The report of {@code node}'s state, or {@code null} when it has none. */
  public AgentReport get(String node) {
    return byNode.get(node);
  }
}
