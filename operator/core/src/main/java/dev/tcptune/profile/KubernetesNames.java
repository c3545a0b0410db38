package dev.tcptune.profile;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The Kubernetes rules for object names, label keys and label values (apimachinery's {@code
 * IsDNS1123Subdomain}, {@code IsQualifiedName}, {@code IsValidLabelValue}), so that a file the API
 * server would refuse is refused here for the same reason.
 */
final class KubernetesNames {

  static final String LABEL_KEY_ALLOWED =
      "an optional DNS subdomain prefix and '/', then a name of 1..63 characters [A-Za-z0-9-_.]"
          + " that starts and ends with a letter or digit, e.g. topology.kubernetes.io/zone";
  static final String LABEL_VALUE_ALLOWED =
      "empty, or at most 63 characters [A-Za-z0-9-_.] that start and end with a letter or digit";
  static final String SUBDOMAIN_ALLOWED =
      "a lowercase RFC 1123 subdomain of at most 253 characters [a-z0-9-.] that starts and ends"
          + " with a letter or digit, e.g. example.com";

  private static final Pattern SUBDOMAIN =
      Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*");
  private static final Pattern NAME = Pattern.compile("([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]");
  private static final Pattern LABEL_VALUE =
      Pattern.compile("(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?");

  private KubernetesNames() {}

  /** What is wrong with a DNS subdomain (object names, label key prefixes), empty when valid. */
  static Optional<String> subdomainProblem(String value) {
    if (value.length() > 253) {
      return Optional.of("must be no more than 253 characters");
    }
    if (!SUBDOMAIN.matcher(value).matches()) {
      return Optional.of("must be " + SUBDOMAIN_ALLOWED);
    }
    return Optional.empty();
  }

  /** What is wrong with a label key (a qualified name), empty when valid. */
  static Optional<String> labelKeyProblem(String key) {
    String[] parts = key.split("/", -1);
    String name;
    if (parts.length == 1) {
      name = parts[0];
    } else if (parts.length == 2) {
      if (parts[0].isEmpty()) {
        return Optional.of("the prefix before '/' must be non-empty");
      }
      Optional<String> prefix = subdomainProblem(parts[0]);
      if (prefix.isPresent()) {
        return Optional.of("the prefix before '/' " + prefix.get());
      }
      name = parts[1];
    } else {
      return Optional.of("has more than one '/'");
    }
    if (name.isEmpty()) {
      return Optional.of("the name part must be non-empty");
    }
    if (name.length() > 63) {
      return Optional.of("the name part must be no more than 63 characters");
    }
    if (!NAME.matcher(name).matches()) {
      return Optional.of(
          "the name part must consist of [A-Za-z0-9-_.] and start and end with a letter or digit");
    }
    return Optional.empty();
  }

  /**
   * The errors of a label map ({@code metadata.labels}, {@code matchLabels}) under {@code path}. A
   * null value is skipped: the API server drops it before it validates.
   */
  static List<FieldError> labelErrors(String path, Map<String, String> labels) {
    List<FieldError> errors = new ArrayList<>();
    if (labels == null) {
      return errors;
    }
    for (Map.Entry<String, String> label : labels.entrySet()) {
      keyError(path, label.getKey(), label.getKey(), "a label key").ifPresent(errors::add);
      if (label.getValue() != null && !isLabelValue(label.getValue())) {
        errors.add(
            new FieldError(
                path + "." + Shown.text(label.getKey()),
                Shown.quoted(label.getValue())
                    + " is not a label value (allowed: "
                    + LABEL_VALUE_ALLOWED
                    + ")"));
      }
    }
    return errors;
  }

  /** The error for a map key that must be a qualified name, checked in its {@code checked} form. */
  static Optional<FieldError> keyError(String path, String key, String checked, String kind) {
    return labelKeyProblem(checked)
        .map(
            problem ->
                new FieldError(
                    path,
                    "key "
                        + Shown.quoted(key)
                        + " is not "
                        + kind
                        + ": "
                        + problem
                        + " (allowed: "
                        + LABEL_KEY_ALLOWED
                        + ")"));
  }

  /** fabric8's model keeps unknown fields aside in silence; the API server refuses them. */
  static List<FieldError> unknownFields(String path, Object model, Map<String, Object> extra) {
    List<FieldError> errors = new ArrayList<>();
    if (extra != null && !extra.isEmpty()) {
      // The fields the API server knows here, as the model (fabric8's class) names them in JSON.
      String allowed = ProfileValidator.settableFields(model.getClass());
      extra
          .keySet()
          .forEach(
              name ->
                  errors.add(
                      new FieldError(
                          path + "." + Shown.text(name),
                          "unknown field (allowed here: " + allowed + ")")));
    }
    return errors;
  }

  /** True when the value is a valid label value (the empty string is). */
  static boolean isLabelValue(String value) {
    return value.length() <= 63 && LABEL_VALUE.matcher(value).matches();
  }
}
