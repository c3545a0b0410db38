package dev.tcptune.profile;

import io.fabric8.kubernetes.api.model.ObjectMeta;
import java.nio.charset.StandardCharsets;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The API server's checks of {@code metadata} for a cluster-scoped object: a name that is a DNS
 * subdomain, label keys and values, annotation keys, and no unknown fields (fabric8's model would
 * keep them aside in silence).
 */
final class MetadataRules {

  /** The API server's limit on the total size of annotations (256 KiB). */
  static final int MAX_ANNOTATIONS_BYTES = 256 * 1024;

  private static final String FINALIZER_ALLOWED =
      "an optional DNS subdomain prefix and '/', then a name of 1..63 characters [A-Za-z0-9-_.]"
          + " that starts and ends with a letter or digit, e.g. example.com/cleanup";

  private MetadataRules() {}

  static List<FieldError> check(ObjectMeta metadata) {
    List<FieldError> errors = new ArrayList<>();
    if (metadata == null || metadata.getName() == null) {
      errors.add(
          new FieldError(
              "metadata.name", "is required (allowed: " + KubernetesNames.SUBDOMAIN_ALLOWED + ")"));
      return errors;
    }
    errors.addAll(KubernetesNames.unknownFields("metadata", metadata.getAdditionalProperties()));
    KubernetesNames.subdomainProblem(metadata.getName())
        .ifPresent(
            problem ->
                errors.add(
                    new FieldError(
                        "metadata.name", Shown.quoted(metadata.getName()) + " " + problem)));
    errors.addAll(KubernetesNames.labelErrors("metadata.labels", metadata.getLabels()));
    checkAnnotations(metadata.getAnnotations(), errors);
    checkFinalizers(metadata.getFinalizers(), errors);
    checkTime("metadata.creationTimestamp", metadata.getCreationTimestamp(), errors);
    checkTime("metadata.deletionTimestamp", metadata.getDeletionTimestamp(), errors);
    return errors;
  }

  /** The API server takes only qualified names (the form of a label key) as finalizers. */
  private static void checkFinalizers(List<String> finalizers, List<FieldError> errors) {
    if (finalizers == null) {
      return;
    }
    for (int i = 0; i < finalizers.size(); i++) {
      String finalizer = finalizers.get(i);
      String path = "metadata.finalizers[" + i + "]";
      if (finalizer == null) {
        errors.add(
            new FieldError(path, "null is not allowed (allowed: " + FINALIZER_ALLOWED + ")"));
        continue;
      }
      KubernetesNames.labelKeyProblem(finalizer)
          .ifPresent(
              problem ->
                  errors.add(
                      new FieldError(
                          path,
                          Shown.quoted(finalizer)
                              + " is not a finalizer name: "
                              + problem
                              + " (allowed: "
                              + FINALIZER_ALLOWED
                              + ")")));
    }
  }

  /**
   * The API server parses these as RFC 3339 times and refuses the object otherwise (400 Bad
   * Request); it then ignores what was written.
   */
  private static void checkTime(String path, String value, List<FieldError> errors) {
    if (value == null) {
      return;
    }
    try {
      OffsetDateTime.parse(value, DateTimeFormatter.ISO_OFFSET_DATE_TIME);
    } catch (DateTimeParseException e) {
      errors.add(
          new FieldError(
              path,
              Shown.quoted(value)
                  + " is not allowed (allowed: an RFC 3339 time such as 2024-01-01T00:00:00Z)"));
    }
  }

  private static void checkAnnotations(Map<String, String> annotations, List<FieldError> errors) {
    if (annotations == null) {
      return;
    }
    long bytes = 0;
    for (Map.Entry<String, String> annotation : annotations.entrySet()) {
      // The API server checks annotation keys in lower case.
      String key = annotation.getKey();
      KubernetesNames.keyError(
              "metadata.annotations", key, key.toLowerCase(Locale.ROOT), "an annotation key")
          .ifPresent(errors::add);
      bytes += annotation.getKey().getBytes(StandardCharsets.UTF_8).length;
      if (annotation.getValue() != null) {
        bytes += annotation.getValue().getBytes(StandardCharsets.UTF_8).length;
      }
    }
    if (bytes > MAX_ANNOTATIONS_BYTES) {
      errors.add(
          new FieldError(
              "metadata.annotations",
              bytes + " bytes is too long (allowed: at most " + MAX_ANNOTATIONS_BYTES + " bytes)"));
    }
  }
}
