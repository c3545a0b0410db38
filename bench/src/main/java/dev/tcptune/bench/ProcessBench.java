package dev.tcptune.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;

/**
 * Times whole processes, as a user running them in a shell waits for them: each case is one or more
 * commands run one after the other (argument lists, no shell). Cases run interleaved (A B C A B C
 * ...) after warm-up runs, so a change in the machine's load touches all of them alike. Peak
 * resident memory comes from GNU time ({@code /usr/bin/time -f %M}) in separate runs, so that its
 * own fork does not count in the times.
 */
public final class ProcessBench {

  /** One case: a name and the commands that make it up. */
  public record Case(String name, List<List<String>> commands) {
    public static Case of(String name, List<String> command) {
      return new Case(name, List.of(command));
    }
  }

  /** Wall times in milliseconds (sorted) and the largest peak RSS of any command, in KiB. */
  public record Result(Case benchCase, double[] millis, OptionalLong peakRssKib) {
    public double median() {
      int n = millis.length;
      return n % 2 == 1 ? millis[n / 2] : (millis[n / 2 - 1] + millis[n / 2]) / 2;
    }

    public double min() {
      return millis[0];
    }

    public double max() {
      return millis[millis.length - 1];
    }
  }

  private static final Path GNU_TIME = Path.of("/usr/bin/time");

  private final Options options;
  private final Map<String, String> environment;

  public ProcessBench(Options options, Map<String, String> environment) {
    this.options = options;
    this.environment = Map.copyOf(environment);
  }

  public List<Result> run(List<Case> cases) throws IOException, InterruptedException {
    for (int i = 0; i < options.warmups(); i++) {
      for (Case c : cases) {
        time(c);
      }
    }
    Map<Case, double[]> times = new LinkedHashMap<>();
    cases.forEach(c -> times.put(c, new double[options.runs()]));
    for (int i = 0; i < options.runs(); i++) {
      for (Case c : cases) {
        times.get(c)[i] = time(c);
      }
    }
    List<Result> results = new ArrayList<>();
    for (Case c : cases) {
      double[] sorted = times.get(c).clone();
      Arrays.sort(sorted);
      results.add(new Result(c, sorted, peakRss(c)));
    }
    return results;
  }

  private double time(Case c) throws IOException, InterruptedException {
    long start = System.nanoTime();
    for (List<String> command : c.commands()) {
      exec(command);
    }
    return (System.nanoTime() - start) / 1e6;
  }

  private OptionalLong peakRss(Case c) throws IOException, InterruptedException {
    if (!Files.isExecutable(GNU_TIME)) {
      return OptionalLong.empty();
    }
    long peak = 0;
    for (int i = 0; i < 3; i++) {
      for (List<String> command : c.commands()) {
        Path out = Files.createTempFile("bench-rss-", ".txt");
        try {
          List<String> timed = new ArrayList<>(List.of(GNU_TIME.toString(), "-f", "%M", "-o"));
          timed.add(out.toString());
          timed.addAll(command);
          exec(timed);
          peak =
              Math.max(
                  peak,
                  Long.parseLong(
                      Files.readString(out).strip().lines().reduce((a, b) -> b).orElse("0")));
        } finally {
          Files.deleteIfExists(out);
        }
      }
    }
    return OptionalLong.of(peak);
  }

  private void exec(List<String> command) throws IOException, InterruptedException {
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    builder.environment().putAll(environment);
    Process p = builder.start();
    byte[] out = p.getInputStream().readAllBytes();
    int exit = p.waitFor();
    // audit exits 1 when the node differs from the profile: a result, not a failure.
    if (exit > 1) {
      throw new IllegalStateException(
          String.join(" ", command) + " exited " + exit + ": " + new String(out).strip());
    }
  }
}
