package dev.tcptune.audit;

import dev.tcptune.kernel.apply.RouteResult;
import dev.tcptune.kernel.apply.SettingResult;
import dev.tcptune.kernel.stats.Listener;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;

/** Prints an {@link AuditResult} as the table a person reads in a terminal. */
public final class AuditTable {

  private AuditTable() {}

  public static void print(AuditResult result, PrintWriter out) {
    out.printf(
        "Profile %s on %s (kernel %s): %s%n%n",
        result.profile(),
        result.namespace(),
        result.kernel(),
        result.inSync() ? "IN SYNC" : "DRIFT");
    List<String[]> rows = new ArrayList<>();
    rows.add(new String[] {"SETTING", "DESIRED", "ACTUAL", "STATUS", "NOTE"});
    for (SettingResult s : result.report().settings()) {
      rows.add(
          new String[] {
            s.key(),
            s.desired(),
            s.actual().orElse("-"),
            s.status().name(),
            s.status().isGood() ? "" : s.message()
          });
    }
    for (RouteResult r : result.report().routes()) {
      rows.add(
          new String[] {
            "route " + r.routeId().orElse(r.rule()),
            millis(r.desired()),
            millis(r.actual()),
            r.status().name(),
            r.status().isGood() ? "" : r.message()
          });
    }
    printColumns(rows, out);

    out.printf("%nSOCKETS%n");
    List<String[]> sockets = new ArrayList<>();
    sockets.add(new String[] {"STATISTIC", "VALUE", "PER SECOND"});
    for (Map.Entry<String, Long> e : result.sockets().entrySet()) {
      Double rate = result.ratesPerSecond().get(e.getKey());
      sockets.add(
          new String[] {
            e.getKey(),
            String.valueOf(e.getValue()),
            rate == null ? "" : String.format("%.2f", rate)
          });
    }
    printColumns(sockets, out);

    out.printf(
        "%nLISTENERS WITH A BACKLOG BELOW SOMAXCONN %d (restart them to use it)%n",
        result.somaxconn());
    if (result.listenersBelowSomaxconn().isEmpty()) {
      out.println("none");
    } else {
      List<String[]> listeners = new ArrayList<>();
      listeners.add(new String[] {"ADDRESS", "BACKLOG", "ACCEPT QUEUE"});
      for (Listener l : result.listenersBelowSomaxconn()) {
        listeners.add(
            new String[] {
              l.localAddress() + ":" + l.port(),
              String.valueOf(l.backlog()),
              String.valueOf(l.acceptQueue())
            });
      }
      printColumns(listeners, out);
    }
    out.flush();
  }

  private static String millis(OptionalInt value) {
    return value.isPresent() ? "rto_min " + value.getAsInt() + "ms" : "unset";
  }

  private static void printColumns(List<String[]> rows, PrintWriter out) {
    int columns = rows.get(0).length;
    int[] width = new int[columns];
    for (String[] row : rows) {
      for (int i = 0; i < columns - 1; i++) {
        width[i] = Math.max(width[i], row[i].length());
      }
    }
    for (String[] row : rows) {
      StringBuilder line = new StringBuilder();
      for (int i = 0; i < columns; i++) {
        line.append(i == columns - 1 ? row[i] : String.format("%-" + (width[i] + 2) + "s", row[i]));
      }
      out.println(line.toString().stripTrailing());
    }
  }
}
