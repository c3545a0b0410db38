package dev.tcptune.profile;

import io.fabric8.kubernetes.api.model.ObjectMeta;
import java.nio.charset.StandardCharsets;
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
    return errors;
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
