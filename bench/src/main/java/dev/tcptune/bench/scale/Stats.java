package dev.tcptune.bench.scale;

import java.util.List;

/** Median, best and worst of a few runs. */
record Stats(double median, double min, double max, int runs) {

  static Stats of(List<Double> values) {
    if (values.isEmpty()) {
      throw new IllegalArgumentException("no values");
    }
    List<Double> sorted = values.stream().sorted().toList();
    int n = sorted.size();
    double median =
        n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    return new Stats(median, sorted.get(0), sorted.get(n - 1), n);
  }

  String format(String unit, String fmt) {
    return String.format(
        "median " + fmt + " %s, best " + fmt + ", worst " + fmt + " (%d runs)",
        median,
        unit,
        min,
        max,
        runs);
  }
}
