package dev.tcptune.kernel.route;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;

/**
 * Parses {@code ip -json route show} (iproute2 6.1 format) into {@link Route}s. Pure, so it is
 * tested on captured output. The JSON is preferred over the text form: {@code rto_min} appears as
 * {@code "metrics": [{"rto_min": 20}]} in milliseconds, without the text form's {@code lock}.
 */
public final class RouteJsonParser {

  private static final ObjectMapper MAPPER = new ObjectMapper();

  private RouteJsonParser() {}

  /**
   * Parses one {@code ip -4|-6 -json route show ...} output.
   *
   * @throws IllegalArgumentException when the text is not the expected JSON array, or a route is a
   *     multipath route (its nexthops cannot be rebuilt safely)
   */
  public static List<Route> parse(String json, IpFamily family) {
    if (json.isBlank()) {
      return List.of();
    }
    JsonNode root;
    try {
      root = MAPPER.readTree(json);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException(
          "ip -json route: output is not JSON: " + e.getMessage(), e);
    }
    if (!root.isArray()) {
      throw new IllegalArgumentException(
          "ip -json route: expected a JSON array, got " + root.getNodeType());
    }
    List<Route> routes = new ArrayList<>();
    for (JsonNode node : root) {
      routes.add(toRoute(node, family));
    }
    return List.copyOf(routes);
  }

  private static Route toRoute(JsonNode node, IpFamily family) {
    Map<String, String> metrics = new LinkedHashMap<>();
    OptionalInt rtoMin = OptionalInt.empty();
    for (JsonNode metricObject : node.path("metrics")) {
      var fields = metricObject.fields();
      while (fields.hasNext()) {
        var field = fields.next();
        if (field.getKey().equals("rto_min")) {
          rtoMin = OptionalInt.of(field.getValue().asInt());
        } else {
          metrics.put(field.getKey(), field.getValue().asText());
        }
      }
    }
    List<String> flags = new ArrayList<>();
    node.path("flags").forEach(f -> flags.add(f.asText()));
    return new Route(
        family,
        text(node, "type").orElse("unicast"),
        text(node, "dst")
            .orElseThrow(
                () -> new IllegalArgumentException("ip -json route: a route has no dst: " + node)),
        text(node, "gateway"),
        text(node, "dev"),
        text(node, "table").orElse("main"),
        text(node, "protocol"),
        text(node, "scope"),
        text(node, "prefsrc"),
        node.has("metric") ? OptionalLong.of(node.get("metric").asLong()) : OptionalLong.empty(),
        text(node, "pref"),
        node.has("nhid") ? OptionalLong.of(node.get("nhid").asLong()) : OptionalLong.empty(),
        flags,
        metrics,
        rtoMin);
  }

  private static Optional<String> text(JsonNode node, String field) {
    JsonNode value = node.get(field);
    return value == null || value.isNull() ? Optional.empty() : Optional.of(value.asText());
  }
}
