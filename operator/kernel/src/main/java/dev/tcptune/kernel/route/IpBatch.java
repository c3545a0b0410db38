package dev.tcptune.kernel.route;

import dev.tcptune.kernel.exec.CommandResult;
import dev.tcptune.kernel.exec.CommandRunner;
import dev.tcptune.kernel.exec.NetworkNamespace;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Batches for {@code ip FAMILY -d -force -batch -}: the commands go to its stdin one per line, the
 * argv stays a list. With {@code -force} ip goes on after a failing line and reports it on stderr
 * as {@code Command failed -:N} after the kernel's message, which is how each failure is mapped
 * back to its line.
 */
final class IpBatch {

  /**
   * iproute2 splits a batch line into fewer than 100 words and exits on more, ending the whole
   * batch; a margin below that.
   */
  static final int MAX_WORDS = 90;

  /**
   * Words ip's batch reader passes on verbatim: no whitespace (splits), {@code #} (starts a comment
   * anywhere), quotes (quote a word), backslash (continues a line).
   */
  private static final Pattern SAFE_WORD = Pattern.compile("[A-Za-z0-9_.:/@%+=,-]+");

  private static final Pattern FAILED_LINE = Pattern.compile("Command failed -:(\\d+)");

  /** The flags of every batch process, after {@code ip FAMILY}. */
  static final List<String> FLAGS = List.of("-d", "-force", "-batch", "-");

  /** Lists a whole family: the read-back line of a batch. */
  static final List<String> LIST_ALL = List.of("route", "show", "table", "all");

  /**
   * The warning ip prints (on stderr, without failing) when the routes changed during its listing;
   * the listing is still printed whole.
   */
  static final String DUMP_INTERRUPTED = "Dump was interrupted and may be inconsistent.";

  /**
   * What one batch left behind.
   *
   * @param argv the command as run (without stdin)
   * @param exitCode its exit code
   * @param stdout everything printed, i.e. the output of the listing lines
   * @param failedLines per failing line (1-based), the messages printed before its {@code Command
   *     failed}
   * @param otherErrors stderr after the last {@code Command failed}: why ip stopped early, if it
   *     did
   */
  record Result(
      List<String> argv,
      int exitCode,
      String stdout,
      Map<Integer, String> failedLines,
      String otherErrors) {

    Result {
      argv = List.copyOf(argv);
      failedLines = Map.copyOf(failedLines);
    }
  }

  private IpBatch() {}

  /** True when {@code words} can be one batch line and reach ip exactly as they are. */
  static boolean fits(List<String> words) {
    return words.size() <= MAX_WORDS
        && words.stream().allMatch(w -> SAFE_WORD.matcher(w).matches());
  }

  /**
   * Runs {@code lines} (each the words after {@code ip FAMILY}, every one {@link #fits fitting}) in
   * one process.
   *
   * @throws dev.tcptune.kernel.exec.CommandFailedException when ip cannot start or times out
   */
  static Result run(
      CommandRunner runner, NetworkNamespace namespace, IpFamily family, List<List<String>> lines) {
    List<String> argv = argv(namespace, family);
    CommandResult result = runner.run(argv, stdin(lines));
    Map<Integer, String> failed = new LinkedHashMap<>();
    List<String> pending = new ArrayList<>();
    for (String line : result.stderr().split("\n")) {
      OptionalInt failedLine = failedLine(line);
      if (failedLine.isPresent()) {
        failed.put(failedLine.getAsInt(), String.join("; ", pending));
        pending.clear();
      } else if (!line.isBlank()) {
        pending.add(line.strip());
      }
    }
    return new Result(argv, result.exitCode(), result.stdout(), failed, String.join("; ", pending));
  }

  /** The batch process of {@code family} inside {@code namespace}. */
  static List<String> argv(NetworkNamespace namespace, IpFamily family) {
    List<String> argv = new ArrayList<>(List.of("ip", family.ipFlag()));
    argv.addAll(FLAGS);
    return namespace.wrap(argv);
  }

  /**
   * What ip reads for {@code lines}, one per line.
   *
   * @throws IllegalArgumentException when a line does not {@link #fits fit}
   */
  static String stdin(List<List<String>> lines) {
    StringBuilder stdin = new StringBuilder();
    for (List<String> line : lines) {
      if (!fits(line)) {
        throw new IllegalArgumentException("not a safe ip batch line: " + line);
      }
      stdin.append(String.join(" ", line)).append('\n');
    }
    return stdin.toString();
  }

  /** The line number of a {@code Command failed -:N} report, if {@code line} is one. */
  static OptionalInt failedLine(String line) {
    Matcher m = FAILED_LINE.matcher(line.strip());
    return m.matches() ? OptionalInt.of(Integer.parseInt(m.group(1))) : OptionalInt.empty();
  }
}
