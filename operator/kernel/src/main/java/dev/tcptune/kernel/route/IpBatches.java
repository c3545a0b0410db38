package dev.tcptune.kernel.route;

import java.util.List;

/**
 * Where {@link IpRouteTable} sends its {@code ip} work: one process per batch ({@link
 * OneShotIpBatches}, for a CLI run that lists once) or {@code ip} processes kept running between
 * batches ({@link IpSession}, for the agent, which lists and changes routes at every check).
 */
interface IpBatches extends AutoCloseable {

  /**
   * Lists every route of {@code family} in every table, as {@code ip FAMILY -d route show table
   * all} prints them.
   *
   * @throws dev.tcptune.kernel.exec.CommandFailedException when ip fails or cannot run
   */
  String list(IpFamily family);

  /**
   * Runs {@code lines} (each the words after {@code ip FAMILY}, every one {@link IpBatch#fits
   * fitting}) in order, going on after a failing line.
   *
   * @throws dev.tcptune.kernel.exec.CommandFailedException when ip cannot run, stops or times out
   */
  IpBatch.Result run(IpFamily family, List<List<String>> lines);

  /** Ends the processes kept running, if any. */
  @Override
  void close();
}
