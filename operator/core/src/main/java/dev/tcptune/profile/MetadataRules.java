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
    boolean named = metadata != null && metadata.getName() != null && !metadata.getName().isEmpty();
    boolean generated =
        metadata != null
            && metadata.getGenerateName() != null
            && !metadata.getGenerateName().isEmpty();
    if (!named && !generated) {
      errors.add(
          new FieldError(
              "metadata.name",
              "is required (allowed: "
                  + KubernetesNames.SUBDOMAIN_ALLOWED
                  + ", or a generateName prefix for kubectl create)"));
      return errors;
    }
    errors.addAll(
        KubernetesNames.unknownFields("metadata", metadata, metadata.getAdditionalProperties()));
    if (named) {
      KubernetesNames.subdomainProblem(metadata.getName())
          .ifPresent(
              problem ->
                  errors.add(
                      new FieldError(
                          "metadata.name", Shown.quoted(metadata.getName()) + " " + problem)));
    }
    if (generated) {
      checkGenerateName(metadata.getGenerateName(), named, errors);
    }
    checkOwnerReferences(metadata.getOwnerReferences(), errors);
    checkManagedFields(metadata.getManagedFields(), errors);
    errors.addAll(KubernetesNames.labelErrors("metadata.labels", metadata.getLabels()));
    checkAnnotations(metadata.getAnnotations(), errors);
    checkFinalizers(metadata.getFinalizers(), errors);
    checkTime("metadata.creationTimestamp", metadata.getCreationTimestamp(), errors);
    checkTime("metadata.deletionTimestamp", metadata.getDeletionTimestamp(), errors);
    return errors;
  }

  /** What the API server keeps of a generateName before it adds 5 random characters. */
  static final int MAX_GENERATE_NAME_BASE = 63 - 5;

  /**
   * The API server checks generateName as a subdomain prefix (a trailing '-' allowed) and, when no
   * name is given, the name it makes of it: the first 58 characters and 5 random letters or digits.
   */
  private static void checkGenerateName(String prefix, boolean named, List<FieldError> errors) {
    String masked = prefix.endsWith("-") ? prefix.substring(0, prefix.length() - 1) + "a" : prefix;
    var problem = KubernetesNames.subdomainProblem(masked);
    if (problem.isPresent()) {
      errors.add(
          new FieldError(
              "metadata.generateName",
              Shown.quoted(prefix)
                  + " is not allowed (allowed: the start of "
                  + KubernetesNames.SUBDOMAIN_ALLOWED
                  + "; it may end with '-')"));
      return;
    }
    if (named) {
      return;
    }
    String base =
        prefix.length() > MAX_GENERATE_NAME_BASE
            ? prefix.substring(0, MAX_GENERATE_NAME_BASE)
            : prefix;
    if (KubernetesNames.subdomainProblem(base + "x0x0x").isPresent()) {
      errors.add(
          new FieldError(
              "metadata.name",
              Shown.quoted(base + "xxxxx")
                  + " made of generateName "
                  + Shown.quoted(prefix)
                  + " is not allowed (allowed: "
                  + KubernetesNames.SUBDOMAIN_ALLOWED
                  + ")"));
    }
  }

  /**
   * The API server requires apiVersion, kind, name and uid of every owner reference and at most one
   * controller; fabric8's model would keep a null entry or an unknown field without a word.
   */
  private static void checkOwnerReferences(
      List<io.fabric8.kubernetes.api.model.OwnerReference> references, List<FieldError> errors) {
    if (references == null) {
      return;
    }
    String allowed =
        "(allowed: an object with apiVersion, kind, name and uid, e.g. apiVersion: v1)";
    int controllers = 0;
    for (int i = 0; i < references.size(); i++) {
      var reference = references.get(i);
      String path = "metadata.ownerReferences[" + i + "]";
      if (reference == null) {
        errors.add(new FieldError(path, "null is not allowed " + allowed));
        continue;
      }
      errors.addAll(
          KubernetesNames.unknownFields(path, reference, reference.getAdditionalProperties()));
      String[][] required = {
        {"apiVersion", reference.getApiVersion()},
        {"kind", reference.getKind()},
        {"name", reference.getName()},
        {"uid", reference.getUid()}
      };
      for (String[] field : required) {
        if (field[1] == null || field[1].isEmpty()) {
          errors.add(new FieldError(path + "." + field[0], "must not be empty " + allowed));
        }
      }
      if (Boolean.TRUE.equals(reference.getController())) {
        controllers++;
      }
    }
    if (controllers > 1) {
      errors.add(
          new FieldError(
              "metadata.ownerReferences",
              controllers + " references have controller: true (allowed: at most one)"));
    }
  }

  /** managedFields entries as the API server decodes them: no unknown fields, no null entry. */
  private static void checkManagedFields(
      List<io.fabric8.kubernetes.api.model.ManagedFieldsEntry> entries, List<FieldError> errors) {
    if (entries == null) {
      return;
    }
    for (int i = 0; i < entries.size(); i++) {
      var entry = entries.get(i);
      String path = "metadata.managedFields[" + i + "]";
      if (entry != null) {
        errors.addAll(KubernetesNames.unknownFields(path, entry, entry.getAdditionalProperties()));
      }
    }
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
