package dev.tcptune.profile;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tcptune.api.v1alpha1.Mode;
import dev.tcptune.api.v1alpha1.NodeSelectorSchema;
import dev.tcptune.api.v1alpha1.RolloutSettings;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The CRD's rules that only the profile as written can be checked against: once bound to the model,
 * fabric8's {@code LabelSelector} has an empty matchLabels whether or not one was written, and its
 * {@code IntOrString} refuses a float with a message about its constructor.
 */
final class WrittenForm {

  private WrittenForm() {}

  /** The first problem of the tree that binding would hide or garble, as a message. */
  static Optional<String> firstProblem(JsonNode tree) {
    return maxUnavailableType(tree.at("/spec/rollout/maxUnavailable"))
        .or(() -> emptyMatchLabels(tree.at("/spec/nodeSelector/matchLabels")))
        .or(() -> exactMode(tree.at("/spec/mode")));
  }

  /**
   * Jackson trims an enum's text before it gives up ('Audit ' reads as Audit); the API server's
   * enum takes only the exact words.
   */
  private static Optional<String> exactMode(JsonNode mode) {
    if (!mode.isTextual()) {
      return Optional.empty();
    }
    List<String> names = Arrays.stream(Mode.values()).map(ProfileFiles::jsonName).toList();
    if (names.contains(mode.asText()) || !names.contains(mode.asText().trim())) {
      // A word that is not a mode at all gets the binding's own message.
      return Optional.empty();
    }
    return Optional.of(
        "spec.mode: "
            + ProfileFiles.shown(mode)
            + " is not allowed (allowed: one of "
            + String.join(", ", names)
            + ", without spaces around it)");
  }

  private static Optional<String> maxUnavailableType(JsonNode value) {
    if (value.isMissingNode() || value.isNull() || value.isIntegralNumber() || value.isTextual()) {
      return Optional.empty();
    }
    return Optional.of(
        RolloutRules.PATH
            + ": "
            + ProfileFiles.shown(value)
            + " is not allowed (allowed: "
            + RolloutSettings.MAX_UNAVAILABLE_ALLOWED
            + ")");
  }

  /**
   * The API server drops a null label value before it validates, so `matchLabels: {role: }` is an
   * empty matchLabels there, which the CRD refuses: it would select every node.
   */
  private static Optional<String> emptyMatchLabels(JsonNode labels) {
    if (!labels.isObject()) {
      return Optional.empty();
    }
    List<String> nulls = new ArrayList<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = labels.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> label = it.next();
      if (!label.getValue().isNull()) {
        return Optional.empty();
      }
      nulls.add(Shown.quoted(label.getKey()));
    }
    return Optional.of(
        "spec.nodeSelector."
            + NodeSelectorSchema.MATCH_LABELS_EMPTY
            + (nulls.isEmpty() ? "" : " (null: " + String.join(", ", nulls) + ")"));
  }
}
