package dev.tcptune.kernel.route;

import dev.tcptune.kernel.exec.CommandRunner;
import dev.tcptune.kernel.exec.NetworkNamespace;
import java.util.List;
import java.util.Objects;

/** A new {@code ip} process for every listing and every batch: nothing is left running. */
final class OneShotIpBatches implements IpBatches {

  private final CommandRunner runner;
  private final NetworkNamespace namespace;

  OneShotIpBatches(CommandRunner runner, NetworkNamespace namespace) {
    this.runner = Objects.requireNonNull(runner, "runner");
    this.namespace = Objects.requireNonNull(namespace, "namespace");
  }

  @Override
  public String list(IpFamily family) {
    // An explicit family: without it `ip route show table all` mixes both; -d prints the type;
    // `table all` (not one table) makes ip print the table of every route.
    List<String> argv = List.of("ip", family.ipFlag(), "-d", "route", "show", "table", "all");
    return runner.run(namespace.wrap(argv)).orThrow().stdout();
  }

  @Override
  public IpBatch.Result run(IpFamily family, List<List<String>> lines) {
    return IpBatch.run(runner, namespace, family, lines);
  }

  @Override
  public void close() {}
}
