package dev.tcptune.bench;

import java.util.List;

/**
 * How long to measure: the full run of docs/benchmarks.md, or {@code --quick}, the seconds-long
 * version CI runs so that the harness cannot rot (its figures mean nothing).
 */
public record Options(boolean quick, int runs, int warmups) {

  public static Options parse(List<String> args) {
    boolean quick = args.contains("--quick");
    return quick ? new Options(true, 3, 1) : new Options(false, 20, 3);
  }
}
