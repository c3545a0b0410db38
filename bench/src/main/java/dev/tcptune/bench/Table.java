package dev.tcptune.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** A Markdown table of results, printed as docs/benchmarks.md shows them. */
public final class Table {

  private final List<String> header;
  private final List<List<String>> rows = new ArrayList<>();

  public Table(String... header) {
    this.header = List.of(header);
  }

  public void add(Object... cells) {
    rows.add(List.of(cells).stream().map(Table::format).toList());
  }

  public boolean isEmpty() {
    return rows.isEmpty();
  }

  public List<List<String>> rows() {
    return List.copyOf(rows);
  }

  private static String format(Object cell) {
    return cell instanceof Double d ? String.format(Locale.ROOT, "%.2f", d) : String.valueOf(cell);
  }

  @Override
  public String toString() {
    StringBuilder out = new StringBuilder();
    out.append("| ").append(String.join(" | ", header)).append(" |\n");
    out.append("|").append("---|".repeat(header.size())).append("\n");
    for (List<String> row : rows) {
      out.append("| ").append(String.join(" | ", row)).append(" |\n");
    }
    return out.toString();
  }
}
