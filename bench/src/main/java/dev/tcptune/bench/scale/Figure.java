package dev.tcptune.bench.scale;

import java.util.Optional;

/**
 * One measured figure, as printed and as docs/benchmarks.md shows it.
 *
 * @param name what was measured, e.g. {@code convergence all-at-once N=1000}
 * @param value the figure with its spread, e.g. {@code median 4.1 s, worst 5.0 s (5 runs)}
 * @param target the target, empty when the figure has none
 * @param met whether the target was met; empty when there is no target
 */
record Figure(String name, String value, String target, Optional<Boolean> met) {

  static Figure of(String name, String value) {
    return new Figure(name, value, "", Optional.empty());
  }

  static Figure checked(String name, String value, String target, boolean met) {
    return new Figure(name, value, target, Optional.of(met));
  }

  String line() {
    return String.format(
        "%-52s %s%s",
        name,
        value,
        met.map(m -> "  [target " + target + ": " + (m ? "met" : "MISSED") + "]").orElse(""));
  }
}
