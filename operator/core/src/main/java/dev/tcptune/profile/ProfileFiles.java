package dev.tcptune.profile;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.tcptune.api.TcpTuneApi;
import dev.tcptune.api.v1alpha1.TcpProfile;
import dev.tcptune.kernel.catalog.TunableCatalog;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Reads a TcpProfile from YAML or JSON the way the API server would judge it: unknown fields, wrong
 * types and out-of-range values are refused with one line naming the field, the value and what is
 * allowed.
 */
public final class ProfileFiles {

  /** The profile used when none is given: the kernel defaults, as a baseline to audit against. */
  public static final String BUILTIN_DEFAULT = "builtin:kernel-defaults";

  private static final String API_VERSION = TcpTuneApi.GROUP + "/" + TcpTuneApi.VERSION;

  private final ObjectMapper yaml =
      YAMLMapper.builder()
          .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
          .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
          .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
          // The API server refuses "4096" for an integer and 1 for an enum: so does the CLI.
          .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
          .enable(DeserializationFeature.FAIL_ON_NUMBERS_FOR_ENUMS)
          .build();
  private final ProfileValidator validator = new ProfileValidator(TunableCatalog.standard());

  /** Loads and validates a profile file, or the built-in default for {@link #BUILTIN_DEFAULT}. */
  public TcpProfile load(String location) throws ProfileFileException {
    if (BUILTIN_DEFAULT.equals(location)) {
      try (InputStream in = ProfileFiles.class.getResourceAsStream("/kernel-defaults.yaml")) {
        return parse(
            new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8), location);
      } catch (IOException e) {
        throw new ProfileFileException(
            location + ": cannot read the built-in profile: " + e.getMessage(), e);
      }
    }
    Path path = Path.of(location);
    try {
      return parse(Files.readString(path), location);
    } catch (NoSuchFileException e) {
      throw new ProfileFileException(location + ": no such file", e);
    } catch (IOException e) {
      throw new ProfileFileException(location + ": cannot read: " + e.getMessage(), e);
    }
  }

  /** Parses and validates profile text; {@code source} names it in messages. */
  public TcpProfile parse(String text, String source) throws ProfileFileException {
    JsonNode tree;
    try {
      tree = yaml.readTree(text);
    } catch (JsonProcessingException e) {
      var at = e.getLocation();
      String where =
          at == null ? "" : " at line " + at.getLineNr() + ", column " + at.getColumnNr();
      throw new ProfileFileException(
          source
              + ": not valid YAML"
              + where
              + ": "
              + e.getOriginalMessage().lines().findFirst().orElse(""),
          e);
    }
    if (tree == null || !tree.isObject()) {
      throw new ProfileFileException(source + ": expected one TcpProfile object, found nothing");
    }
    expect(tree, "apiVersion", API_VERSION, source);
    expect(tree, "kind", "TcpProfile", source);
    TcpProfile profile;
    try {
      profile = yaml.treeToValue(tree, TcpProfile.class);
    } catch (JsonProcessingException e) {
      throw new ProfileFileException(source + ": " + describe(e, tree), e);
    }
    List<FieldError> errors = validator.validate(profile.getSpec());
    if (!errors.isEmpty()) {
      throw new ProfileFileException(
          source
              + ": "
              + errors.stream().map(FieldError::toString).collect(Collectors.joining("; ")));
    }
    if (profile.getMetadata() == null || profile.getMetadata().getName() == null) {
      throw new ProfileFileException(source + ": metadata.name is required");
    }
    return profile;
  }

  private static void expect(JsonNode tree, String field, String wanted, String source)
      throws ProfileFileException {
    String actual = tree.path(field).asText(null);
    if (!wanted.equals(actual)) {
      throw new ProfileFileException(
          source + ": " + field + ": '" + actual + "' is not allowed (allowed: " + wanted + ")");
    }
  }

  private static String describe(JsonProcessingException e, JsonNode tree) {
    String path = e instanceof JsonMappingException m ? path(m.getPath()) : "";
    if (e instanceof UnrecognizedPropertyException u) {
      String field = path.isEmpty() ? u.getPropertyName() : path;
      return field
          + ": unknown field (allowed here: "
          + u.getKnownPropertyIds().stream()
              .map(String::valueOf)
              .sorted()
              .collect(Collectors.joining(", "))
          + ")";
    }
    if (e instanceof MismatchedInputException m && m.getTargetType() != null) {
      // InvalidFormatException is a MismatchedInputException: both read the value from the tree.
      JsonNode value = tree.at(pointer(m.getPath()));
      String shown =
          value.isValueNode()
              ? "'" + value.asText() + "'"
              : value.isArray() ? "a list" : "an object";
      return path + ": " + shown + " is not allowed (allowed: " + typeName(m.getTargetType()) + ")";
    }
    return (path.isEmpty() ? "" : path + ": ") + e.getOriginalMessage();
  }

  private static String pointer(List<JsonMappingException.Reference> refs) {
    StringBuilder out = new StringBuilder();
    for (JsonMappingException.Reference ref : refs) {
      out.append('/')
          .append(ref.getFieldName() != null ? ref.getFieldName() : String.valueOf(ref.getIndex()));
    }
    return out.toString();
  }

  private static String path(List<JsonMappingException.Reference> refs) {
    StringBuilder out = new StringBuilder();
    for (JsonMappingException.Reference ref : refs) {
      if (ref.getFieldName() != null) {
        out.append(out.length() == 0 ? "" : ".").append(ref.getFieldName());
      } else if (ref.getIndex() >= 0) {
        out.append('[').append(ref.getIndex()).append(']');
      }
    }
    return out.toString();
  }

  private static String typeName(Class<?> type) {
    if (type == Integer.class || type == int.class || type == Long.class || type == long.class) {
      return "integer";
    }
    if (type == String.class) {
      return "string";
    }
    if (type.isEnum()) {
      return "one of "
          + Arrays.stream(type.getEnumConstants())
              .map(ProfileFiles::jsonName)
              .collect(Collectors.joining(", "));
    }
    return "object";
  }

  private static String jsonName(Object constant) {
    try {
      var field = constant.getClass().getField(((Enum<?>) constant).name());
      var property = field.getAnnotation(com.fasterxml.jackson.annotation.JsonProperty.class);
      return property == null ? ((Enum<?>) constant).name() : property.value();
    } catch (NoSuchFieldException e) {
      return String.valueOf(constant);
    }
  }
}
