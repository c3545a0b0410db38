package dev.tcptune.testing;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Reads manifests exactly as written, without the typed model in between: a wrong type such as a
 * string for an integer must reach the API server, not fail in Jackson on the client.
 */
public final class Manifests {

  private static final YAMLMapper YAML = new YAMLMapper();
  private static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();

  private Manifests() {}

  /** Every document of a YAML file (empty documents skipped). */
  public static List<GenericKubernetesResource> load(Path file) {
    try (MappingIterator<Map<String, Object>> docs =
        YAML.readerFor(new TypeReference<Map<String, Object>>() {}).readValues(file.toFile())) {
      List<GenericKubernetesResource> result = new ArrayList<>();
      while (docs.hasNextValue()) {
        Map<String, Object> doc = docs.nextValue();
        if (doc != null && !doc.isEmpty()) {
          result.add(SERIALIZATION.convertValue(doc, GenericKubernetesResource.class));
        }
      }
      return result;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file, e);
    }
  }

  /** A single YAML document, e.g. a manifest in a text block. */
  public static GenericKubernetesResource parse(String yaml) {
    try {
      Map<String, Object> doc = YAML.readValue(yaml, new TypeReference<Map<String, Object>>() {});
      return SERIALIZATION.convertValue(doc, GenericKubernetesResource.class);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot parse YAML:\n" + yaml, e);
    }
  }

  /** The only document of a YAML file; fails when there is not exactly one. */
  public static GenericKubernetesResource loadOne(Path file) {
    List<GenericKubernetesResource> docs = load(file);
    if (docs.size() != 1) {
      throw new IllegalArgumentException(file + " holds " + docs.size() + " documents, expected 1");
    }
    return docs.get(0);
  }

  /**
   * Values of the {@code # key: value} comment lines at the top of a file, before the first line
   * that is not a comment, e.g. {@code headerValues(file, "expect")}.
   */
  public static List<String> headerValues(Path file, String key) {
    String prefix = "# " + key + ":";
    // Read leniently: corpus files include UTF-16 and text that is not UTF-8 at all.
    try (Stream<String> lines = text(Files.readAllBytes(file)).lines()) {
      return lines
          .takeWhile(line -> line.startsWith("#") || line.isBlank())
          .filter(line -> line.startsWith(prefix))
          .map(line -> line.substring(prefix.length()).strip())
          .filter(value -> !value.isEmpty())
          .toList();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file, e);
    }
  }

  /** UTF-16 when the bytes start with its byte order mark, else UTF-8 with bad bytes replaced. */
  private static String text(byte[] bytes) {
    if (bytes.length >= 2 && (bytes[0] & 0xff) == 0xfe && (bytes[1] & 0xff) == 0xff) {
      return new String(bytes, StandardCharsets.UTF_16);
    }
    if (bytes.length >= 2 && (bytes[0] & 0xff) == 0xff && (bytes[1] & 0xff) == 0xfe) {
      return new String(bytes, StandardCharsets.UTF_16);
    }
    return new String(bytes, StandardCharsets.UTF_8);
  }

  /** The {@code *.yaml} files of a directory, sorted by name; empty when it does not exist. */
  public static List<Path> yamlFiles(Path dir) {
    if (!Files.isDirectory(dir)) {
      return List.of();
    }
    try (Stream<Path> list = Files.list(dir)) {
      return list.filter(p -> p.getFileName().toString().endsWith(".yaml")).sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list " + dir, e);
    }
  }
}
