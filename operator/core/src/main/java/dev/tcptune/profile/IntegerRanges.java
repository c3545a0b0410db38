package dev.tcptune.profile;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tcptune.api.v1alpha1.RolloutSettings;
import dev.tcptune.kernel.catalog.Tunable;
import dev.tcptune.kernel.catalog.Unit;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Finds integers too large for the model's {@code int} fields before they are bound, so that the
 * message says the field's allowed range instead of "out of range of int".
 */
final class IntegerRanges {

  private static final Map<String, String> RANGES = ranges();

  private static final String TW_RECYCLE = "spec.timeWait.twRecycle";

  private IntegerRanges() {}

  /** The allowed range of an integer field ({@code spec.listenQueue.somaxconn}: 128..65535). */
  static Optional<String> rangeOf(String path) {
    return path.equals(RolloutRules.PATH)
        ? Optional.empty()
        : Optional.ofNullable(RANGES.get(path));
  }

  /** The first integer of the tree that does not fit an {@code int}, as a message. */
  static Optional<String> firstOutOfRange(JsonNode tree) {
    return find(tree, "");
  }

  private static Optional<String> find(JsonNode node, String path) {
    if (node.isIntegralNumber() && !node.canConvertToInt()) {
      if (path.equals(TW_RECYCLE)) {
        // Refused whatever its value: the reason helps, a range would not.
        return Optional.of(TW_RECYCLE + ": " + ProfileValidator.twRecycleRefusal());
      }
      String range = RANGES.getOrDefault(path, Integer.MIN_VALUE + ".." + Integer.MAX_VALUE);
      String direction = node.bigIntegerValue().signum() < 0 ? "below" : "above";
      return Optional.of(
          path
              + ": "
              + Shown.text(node.asText())
              + " is "
              + direction
              + " the allowed range "
              + range);
    }
    if (node.isObject()) {
      for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> field = it.next();
        String child = path.isEmpty() ? field.getKey() : path + "." + field.getKey();
        Optional<String> found = find(field.getValue(), child);
        if (found.isPresent()) {
          return found;
        }
      }
    } else if (node.isArray()) {
      for (int i = 0; i < node.size(); i++) {
        Optional<String> found = find(node.get(i), path + "[" + i + "]");
        if (found.isPresent()) {
          return found;
        }
      }
    }
    return Optional.empty();
  }

  private static Map<String, String> ranges() {
    Map<String, String> ranges = new LinkedHashMap<>();
    ranges.put(
        "spec.priority", ProfileValidator.MIN_PRIORITY + ".." + ProfileValidator.MAX_PRIORITY);
    ranges.put(
        RolloutRules.PATH,
        RolloutSettings.MIN_MAX_UNAVAILABLE
            + ".."
            + RolloutSettings.MAX_MAX_UNAVAILABLE
            + " (allowed: "
            + RolloutSettings.MAX_UNAVAILABLE_ALLOWED
            + ")");
    for (SettingField field : ProfileSettings.fields()) {
      Tunable tunable = field.tunable();
      String range = tunable.min() + ".." + tunable.max();
      if (tunable.unit() == Unit.PORT_RANGE) {
        ranges.put(field.path() + ".low", range);
        ranges.put(field.path() + ".high", range);
      } else {
        ranges.put(field.path(), range);
      }
    }
    return Map.copyOf(ranges);
  }
}
