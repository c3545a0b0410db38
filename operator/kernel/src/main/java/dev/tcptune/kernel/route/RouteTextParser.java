package dev.tcptune.kernel.route;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parses {@code ip -4|-6 -d route show table all} (iproute2 text, one route per line, multipath
 * nexthops on indented continuation lines) into {@link Route}s. Pure, so it is tested on captured
 * output. The text form, not {@code -json}: only the text tells {@code mtu lock 1400} from {@code
 * mtu 1400}, and every word of it is one {@code ip route change} reads back.
 *
 * <p>Whitelist: a route is changeable only when every word is one this parser knows how to give
 * back. Anything else (an unknown keyword, {@code expires}, multipath {@code nexthop}s, nexthop
 * objects, {@code encap}, offload flags) makes the route carry a {@link Route#refusal()} naming the
 * attribute.
 */
public final class RouteTextParser {

  /** Keywords followed by one value that ip reads back exactly as it prints it. */
  private static final Set<String> ONE_VALUE =
      Set.of(
          "from", "tos", "dsfield", "dev", "table", "proto", "scope", "src", "metric", "realm",
          "realms", "pref");

  /** Route metrics: {@code NAME [lock] VALUE}. {@code rto_min} is handled on its own. */
  private static final Set<String> METRICS =
      Set.of(
          "mtu",
          "advmss",
          "window",
          "rtt",
          "rttvar",
          "reordering",
          "hoplimit",
          "initcwnd",
          "cwnd",
          "ssthresh",
          "initrwnd",
          "quickack",
          "congctl",
          "fastopen_no_cookie",
          "features");

  /** Flags ip accepts as input. */
  private static final Set<String> INPUT_FLAGS = Set.of("onlink");

  /** Why some printed attributes cannot be given back. */
  private static final Map<String, String> REFUSED =
      Map.of(
          "expires",
          "it expires (a lifetime cannot be recreated, the route would become permanent)",
          "nexthop",
          "it is a multipath route (its nexthops cannot be rebuilt safely)",
          "encap",
          "it has a lightweight tunnel encapsulation",
          "error",
          "it carries an error code",
          "nhid",
          "it uses a nexthop object (nhid): the kernel keeps such a route's metrics when it is"
              + " changed without any, so its original rto_min could not be restored");

  private static final Pattern RTO_MIN = Pattern.compile("(\\d+)ms|(\\d+(?:\\.\\d+)?)s");

  private RouteTextParser() {}

  /** True for the optional family word after {@code via} ({@code via inet6 fd00::2}). */
  private static boolean isFamilyWord(String word) {
    return word.equals("inet") || word.equals("inet6");
  }

  /**
   * Parses one {@code ip -d route show} output of one family.
   *
   * @throws IllegalArgumentException when a line does not start with a route type and destination
   *     (lines whose destination is no address, which no rule can match, are left out)
   */
  public static List<Route> parse(String text, IpFamily family) {
    List<List<String>> lines = new ArrayList<>();
    for (String line : text.split("\n")) {
      if (line.isBlank()) {
        continue;
      }
      List<String> words = Arrays.asList(line.strip().split("\\s+"));
      if (Character.isWhitespace(line.charAt(0)) && !lines.isEmpty()) {
        // nh_info describes the nexthop object a route points to (nhid), not the route itself;
        // any other indented line is a nexthop of a multipath route.
        if (!words.get(0).equals("nh_info")) {
          lines.get(lines.size() - 1).addAll(words);
        }
      } else {
        lines.add(new ArrayList<>(words));
      }
    }
    List<Route> routes = new ArrayList<>();
    for (List<String> words : lines) {
      toRoute(words, family).ifPresent(routes::add);
    }
    return List.copyOf(routes);
  }

  /** The route of one line; empty when its destination is no address (no rule can match it). */
  private static Optional<Route> toRoute(List<String> words, IpFamily family) {
    if (words.size() < 2) {
      throw new IllegalArgumentException(
          "ip route: a line has no type and destination: '" + String.join(" ", words) + "'");
    }
    String type = words.get(0);
    String dst = words.get(1);
    if (!dst.equals("default") && Destinations.canonical(dst).isEmpty()) {
      return Optional.empty();
    }
    List<String> attributes = new ArrayList<>();
    Optional<String> dev = Optional.empty();
    String table = "main";
    OptionalLong metric = OptionalLong.empty();
    OptionalInt rtoMin = OptionalInt.empty();
    String refusal = null;
    int i = 2;
    while (i < words.size()) {
      String word = words.get(i);
      int values = valueCount(words, i);
      if (values < 0 || i + values >= words.size()) {
        if (refusal == null) {
          refusal =
              REFUSED.getOrDefault(
                  word, "its attribute '" + word + "' cannot be given back to 'ip route change'");
        }
        // Keep reading: the identity (dev, table, metric) of a refused route is still reported.
        attributes.add(word);
        i++;
        continue;
      }
      List<String> group = words.subList(i, i + 1 + values);
      String last = group.get(group.size() - 1);
      switch (word) {
        case "dev" -> dev = Optional.of(last);
        case "table" -> table = last;
        case "metric" -> metric = parseLong(last);
        default -> {}
      }
      if (word.equals("rto_min")) {
        rtoMin = parseRtoMin(last);
        if (rtoMin.isEmpty() && refusal == null) {
          refusal = "its rto_min '" + last + "' cannot be read";
        }
      } else {
        attributes.addAll(group);
      }
      i += 1 + values;
    }
    if (refusal == null && type.equals("unicast") && dev.isEmpty()) {
      refusal = "it has no device";
    }
    return Optional.of(
        new Route(
            family,
            type,
            dst,
            dev,
            table,
            metric,
            attributes,
            rtoMin,
            Optional.ofNullable(refusal)));
  }

  /** How many value words follow the keyword at {@code i}; -1 when it is not reproducible. */
  private static int valueCount(List<String> words, int i) {
    String word = words.get(i);
    boolean more = i + 1 < words.size();
    if (ONE_VALUE.contains(word)) {
      return 1;
    }
    if (word.equals("via")) {
      return more && isFamilyWord(words.get(i + 1)) ? 2 : 1;
    }
    if (METRICS.contains(word) || word.equals("rto_min")) {
      return more && words.get(i + 1).equals("lock") ? 2 : 1;
    }
    if (INPUT_FLAGS.contains(word) || Route.DERIVED_FLAGS.contains(word)) {
      return 0;
    }
    return -1;
  }

  private static OptionalLong parseLong(String word) {
    try {
      return OptionalLong.of(Long.parseLong(word));
    } catch (NumberFormatException e) {
      return OptionalLong.empty();
    }
  }

  /** {@code 50ms} -> 50, {@code 1s} -> 1000 (ip prints whole seconds from 1000 ms on). */
  static OptionalInt parseRtoMin(String word) {
    Matcher m = RTO_MIN.matcher(word);
    if (!m.matches()) {
      return OptionalInt.empty();
    }
    if (m.group(1) != null) {
      return OptionalInt.of(Integer.parseInt(m.group(1)));
    }
    return OptionalInt.of((int) Math.round(Double.parseDouble(m.group(2)) * 1000));
  }
}
