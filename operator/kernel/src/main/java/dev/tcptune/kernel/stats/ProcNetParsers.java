package dev.tcptune.kernel.stats;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Pure parsers for the text of /proc/net files and {@code ss -ltn}, separate from the reading so
 * they are tested on captured real text. Counter keys are {@code Section.Field} ({@code
 * TcpExt.ListenOverflows}, {@code Tcp.RetransSegs}) and {@code file.LABEL.field} for sockstat
 * ({@code sockstat.TCP.tw}, {@code sockstat6.TCP6.inuse}).
 */
public final class ProcNetParsers {

  private ProcNetParsers() {}

  /**
   * Parses {@code /proc/net/sockstat} or {@code sockstat6} lines such as {@code "TCP: inuse 3
   * orphan 0 tw 5 alloc 8 mem 1"}.
   *
   * @param prefix {@code "sockstat"} or {@code "sockstat6"}
   */
  public static Map<String, Long> sockstat(String text, String prefix) {
    Map<String, Long> counters = new LinkedHashMap<>();
    for (String line : text.split("\n")) {
      int colon = line.indexOf(':');
      if (colon < 0) {
        continue;
      }
      String label = line.substring(0, colon).strip();
      String[] words = line.substring(colon + 1).strip().split("\\s+");
      for (int i = 0; i + 1 < words.length; i += 2) {
        counters.put(prefix + "." + label + "." + words[i], parseLong(words[i + 1], line));
      }
    }
    return counters;
  }

  /**
   * Parses {@code /proc/net/netstat} or {@code /proc/net/snmp}: pairs of lines, a header line
   * {@code "TcpExt: SyncookiesSent ..."} and a value line {@code "TcpExt: 0 ..."}. Every section is
   * kept (TcpExt, IpExt, Tcp, Udp...).
   */
  public static Map<String, Long> headerValuePairs(String text) {
    Map<String, Long> counters = new LinkedHashMap<>();
    String[] lines = text.split("\n");
    for (int i = 0; i + 1 < lines.length; i += 2) {
      String[] names = lines[i].strip().split("\\s+");
      String[] values = lines[i + 1].strip().split("\\s+");
      if (names.length != values.length || !names[0].equals(values[0]) || !names[0].endsWith(":")) {
        throw new IllegalArgumentException(
            "netstat/snmp: lines "
                + (i + 1)
                + " and "
                + (i + 2)
                + " are not a header/value pair: '"
                + lines[i]
                + "'");
      }
      String section = names[0].substring(0, names[0].length() - 1);
      for (int j = 1; j < names.length; j++) {
        counters.put(section + "." + names[j], parseLong(values[j], lines[i + 1]));
      }
    }
    return counters;
  }

  /**
   * Counts sockets per state in the output of {@code ss -Htan state A state B ...} (with more than
   * one state ss prints the State column first). Every state in {@code asked} is present, zero or
   * not; a line in another state means the filter was not applied and is an error.
   */
  public static Map<TcpState, Long> ssStates(String text, Set<TcpState> asked) {
    Map<TcpState, Long> counts = new EnumMap<>(TcpState.class);
    asked.forEach(state -> counts.put(state, 0L));
    for (String line : text.split("\n")) {
      String label = line.strip().split("\\s+")[0];
      if (label.isEmpty()) {
        continue;
      }
      TcpState state =
          TcpState.fromSsLabel(label)
              .filter(asked::contains)
              .orElseThrow(
                  () ->
                      new IllegalArgumentException(
                          "ss: unexpected state '" + label + "' in line '" + line.strip() + "'"));
      counts.merge(state, 1L, Long::sum);
    }
    return counts;
  }

  /**
   * Counts the lines of {@code ss -o} output that are timewait entries ({@code
   * timer:(timewait,...)}): an orphaned FIN_WAIT2 socket lives on as one, listed as FIN-WAIT-2 by
   * ss but counted in {@code sockstat}'s {@code tw} with the real TIME_WAIT sockets.
   */
  public static long ssTimewaitEntries(String text) {
    return text.lines().filter(line -> line.contains("timer:(timewait,")).count();
  }

  /** Parses {@code ss -ltn} (with or without the header line, with or without a Process column). */
  public static List<Listener> ssListeners(String text) {
    List<Listener> listeners = new ArrayList<>();
    for (String line : text.split("\n")) {
      String[] fields = line.strip().split("\\s+");
      if (fields.length < 5 || !fields[0].equals("LISTEN")) {
        continue;
      }
      String local = fields[3];
      int colon = local.lastIndexOf(':');
      String address = local.substring(0, colon);
      if (address.startsWith("[") && address.contains("]")) {
        address =
            address.substring(1, address.indexOf(']'))
                + address.substring(address.indexOf(']') + 1);
      }
      listeners.add(
          new Listener(
              address,
              Integer.parseInt(local.substring(colon + 1)),
              parseLong(fields[1], line),
              parseLong(fields[2], line)));
    }
    return List.copyOf(listeners);
  }

  private static long parseLong(String word, String line) {
    try {
      return Long.parseLong(word);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          "'" + word + "' is not a number in line '" + line.strip() + "'", e);
    }
  }
}
