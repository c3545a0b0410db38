package dev.tcptune.kernel.route;

import static java.nio.charset.StandardCharsets.UTF_8;
import static java.util.stream.Collectors.joining;

import dev.tcptune.kernel.exec.CommandFailedException;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * One {@code ip FAMILY -d -force -batch -} process kept running between batches, so that an agent
 * check or apply starts no process: starting one from the JVM costs 2 to 6 ms, more than all the
 * rest of an apply.
 *
 * <p>ip's stderr is merged into its stdout, so a batch's output is read in the order ip wrote it:
 * ip flushes every route it lists and writes its errors unbuffered. Every batch ends with a line
 * naming an object ip does not know ({@link #END}); the {@code Command failed -:N} of that line
 * marks the end of the batch's output, and ip goes on reading. A process found ended before a batch
 * is replaced; one that ends during a batch, or does not answer within the timeout, fails that
 * batch (and is killed); the next batch starts a new process. Closing stdin ends ip, so the process
 * also ends with the JVM.
 */
final class IpCoprocess implements AutoCloseable {

  /** Not an ip object nor the prefix of one: ip complains, counts the line failed and goes on. */
  static final String END = "tcptune.end";

  private final List<String> argv;
  private final Duration timeout;

  /** Null while no process runs. */
  private Process process;

  private Writer input;

  /** Lines of merged output; an empty element is the end of the stream. */
  private BlockingQueue<Optional<String>> output;

  /** Lines written to this process: ip numbers its {@code Command failed} reports with them. */
  private int linesSent;

  IpCoprocess(List<String> argv, Duration timeout) {
    this.argv = List.copyOf(argv);
    this.timeout = Objects.requireNonNull(timeout, "timeout");
  }

  /**
   * Runs {@code lines} (each {@link IpBatch#fits fitting}) as one batch.
   *
   * @return line numbers in the result count from 1 for the first of {@code lines}
   * @throws CommandFailedException when ip cannot start, exits, or does not answer in time
   */
  synchronized IpBatch.Result run(List<List<String>> lines) {
    String stdin = IpBatch.stdin(lines) + END + "\n";
    if (process != null && !process.isAlive()) {
      // Ended between batches (killed, or it crashed): no line of this batch has reached it yet.
      stop();
    }
    if (process == null) {
      start();
    }
    int first = linesSent + 1;
    int end = linesSent + lines.size() + 1;
    try {
      input.write(stdin);
      input.flush();
    } catch (IOException e) {
      // ip has ended (or closed its stdin): what it printed and how it ended are read below.
    }
    linesSent = end;
    List<String> got = new ArrayList<>();
    long deadline = System.nanoTime() + timeout.toNanos();
    try {
      while (true) {
        Optional<String> line = output.poll(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
        if (line == null) {
          String how = stop();
          throw new CommandFailedException(
              command() + " did not answer within " + timeout.toMillis() + " ms, " + how);
        }
        if (line.isEmpty()) {
          // Its output has ended; give the JVM a moment to reap it so that its exit code shows.
          process.waitFor(1, TimeUnit.SECONDS);
          throw new CommandFailedException(
              command() + " ended (" + stop() + "): " + String.join("; ", got));
        }
        if (IpBatch.failedLine(line.get()).equals(OptionalInt.of(end))) {
          return parse(argv, got, first);
        }
        got.add(line.get());
      }
    } catch (InterruptedException e) {
      // Its answer would be read as the next batch's: the process goes.
      stop();
      Thread.currentThread().interrupt();
      throw new CommandFailedException(command() + " was interrupted", e);
    }
  }

  /**
   * The result of one batch from its merged output: the messages before each {@code Command failed
   * -:N} are line N's error; what follows the last of them is the output of the lines after it
   * (only a listing prints), then {@link #END}'s complaint.
   *
   * @param first the process's number of the batch's first line
   */
  static IpBatch.Result parse(List<String> argv, List<String> output, int first) {
    Map<Integer, String> failed = new LinkedHashMap<>();
    List<String> pending = new ArrayList<>();
    for (String line : output) {
      OptionalInt number = IpBatch.failedLine(line);
      if (number.isPresent()) {
        failed.put(
            number.getAsInt() - first + 1,
            pending.stream().map(String::strip).filter(s -> !s.isEmpty()).collect(joining("; ")));
        pending.clear();
      } else {
        pending.add(line);
      }
    }
    if (!pending.isEmpty() && pending.get(pending.size() - 1).contains('"' + END + '"')) {
      pending.remove(pending.size() - 1);
    }
    // The one warning ip writes in the middle of a successful listing, on stderr.
    boolean interrupted = pending.removeIf(IpBatch.DUMP_INTERRUPTED::equals);
    String stdout = pending.isEmpty() ? "" : String.join("\n", pending) + "\n";
    return new IpBatch.Result(
        argv,
        failed.isEmpty() ? 0 : 1,
        stdout,
        failed,
        interrupted ? IpBatch.DUMP_INTERRUPTED : "");
  }

  /** The process's id while one runs (for tests and diagnostics). */
  synchronized OptionalLong pid() {
    return process == null ? OptionalLong.empty() : OptionalLong.of(process.pid());
  }

  /** Closes ip's stdin, which ends it; kills it if it has not ended within a second. */
  @Override
  public synchronized void close() {
    if (process == null) {
      return;
    }
    Process ending = process;
    try {
      input.close();
      if (!ending.waitFor(1, TimeUnit.SECONDS)) {
        stop();
      }
    } catch (IOException e) {
      stop();
    } catch (InterruptedException e) {
      stop();
      Thread.currentThread().interrupt();
    }
    process = null;
  }

  private void start() {
    Process started;
    try {
      started = new ProcessBuilder(argv).redirectErrorStream(true).start();
    } catch (IOException e) {
      throw new CommandFailedException(command() + " could not be started: " + e.getMessage(), e);
    }
    BlockingQueue<Optional<String>> lines = new LinkedBlockingQueue<>();
    Thread reader =
        new Thread(() -> readLines(started.getInputStream(), lines), "ip-batch-" + started.pid());
    reader.setDaemon(true);
    reader.start();
    process = started;
    input = new OutputStreamWriter(started.getOutputStream(), UTF_8);
    output = lines;
    linesSent = 0;
  }

  private static void readLines(InputStream stream, BlockingQueue<Optional<String>> lines) {
    try (BufferedReader reader = new BufferedReader(new InputStreamReader(stream, UTF_8))) {
      for (String line = reader.readLine(); line != null; line = reader.readLine()) {
        lines.add(Optional.of(line));
      }
    } catch (IOException e) {
      // The stream broke: for the batch waiting on it, the same as its end.
    }
    lines.add(Optional.empty());
  }

  /** Kills the process, if any, and says how it ended. */
  private String stop() {
    Process ending = process;
    process = null;
    if (ending == null) {
      return "not running";
    }
    if (!ending.isAlive()) {
      return "exit code " + ending.exitValue();
    }
    ending.destroyForcibly();
    return "killed";
  }

  private String command() {
    return String.join(" ", argv);
  }
}
