package dev.tcptune.kernel.route;

import dev.tcptune.kernel.exec.CommandFailedException;
import dev.tcptune.kernel.exec.NetworkNamespace;
import java.time.Duration;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalLong;

/** One kept {@link IpCoprocess} per address family of one namespace, started at its first use. */
final class IpSession implements IpBatches {

  private final NetworkNamespace namespace;
  private final Duration timeout;
  private final Map<IpFamily, IpCoprocess> processes = new EnumMap<>(IpFamily.class);

  IpSession(NetworkNamespace namespace, Duration timeout) {
    this.namespace = Objects.requireNonNull(namespace, "namespace");
    this.timeout = Objects.requireNonNull(timeout, "timeout");
  }

  @Override
  public String list(IpFamily family) {
    IpBatch.Result result = run(family, List.of(IpBatch.LIST_ALL));
    String failure = result.failedLines().get(1);
    if (failure != null) {
      throw new CommandFailedException(
          String.join(" ", result.argv())
              + ": "
              + String.join(" ", IpBatch.LIST_ALL)
              + ": "
              + failure);
    }
    return result.stdout();
  }

  @Override
  public IpBatch.Result run(IpFamily family, List<List<String>> lines) {
    return process(family).run(lines);
  }

  /** The id of the family's process while one runs. */
  OptionalLong pid(IpFamily family) {
    return process(family).pid();
  }

  private synchronized IpCoprocess process(IpFamily family) {
    return processes.computeIfAbsent(
        family, f -> new IpCoprocess(IpBatch.argv(namespace, f), timeout));
  }

  @Override
  public synchronized void close() {
    processes.values().forEach(IpCoprocess::close);
  }
}
