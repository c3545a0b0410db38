package dev.tcptune.profile;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.type.LogicalType;
import dev.tcptune.api.TcpTuneApi;
import dev.tcptune.api.v1alpha1.TcpProfile;
import dev.tcptune.kernel.catalog.TunableCatalog;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
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

  /** Binds the JSON tree that {@link YamlDocuments} read to the model, as strictly as the CRD. */
  private final ObjectMapper mapper =
      JsonMapper.builder()
          .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
          .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
          .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
          // The API server refuses "4096" for an integer and 1 for an enum: so does the CLI.
          .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
          .enable(DeserializationFeature.FAIL_ON_NUMBERS_FOR_ENUMS)
          // ...and true or 50 for a string (a label value, an rtoMin).
          .withCoercionConfig(
              LogicalType.Textual,
              config ->
                  config
                      .setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail)
                      .setCoercion(CoercionInputShape.Integer, CoercionAction.Fail)
                      .setCoercion(CoercionInputShape.Float, CoercionAction.Fail))
          .build();

  private final ProfileValidator validator = new ProfileValidator(TunableCatalog.standard());

  /**
   * The profile's name, or for a profile that has only a generateName (which the API server turns
   * into a name at creation) that prefix followed by '*'.
   */
  public static String displayName(TcpProfile profile) {
    var metadata = profile.getMetadata();
    return metadata.getName() != null && !metadata.getName().isEmpty()
        ? metadata.getName()
        : metadata.getGenerateName() + "*";
  }

  /**
   * Loads and validates a profile file, standard input for {@link #STDIN}, or the built-in default
   * for {@link #BUILTIN_DEFAULT}.
   */
  public TcpProfile load(String location) throws ProfileFileException {
    return parse(read(location), location);
  }

  /**
   * Loads and validates every TcpProfile of a file, as {@code kubectl apply -f} would send each
   * document (for {@code tcptune validate}); audit and explain take one profile per file.
   */
  public List<TcpProfile> loadAll(String location) throws ProfileFileException {
    return parseAll(read(location), location);
  }

  /** The location that names standard input. */
  public static final String STDIN = "-";

  /**
   * The largest profile file read: the API server takes request bodies up to 3 MiB, and a larger
   * file (or {@code /dev/zero}) would only fill the CLI's memory before it is refused.
   */
  static final int MAX_BYTES = 3 * 1024 * 1024;

  private static String read(String location) throws ProfileFileException {
    if (BUILTIN_DEFAULT.equals(location)) {
      try (InputStream in = ProfileFiles.class.getResourceAsStream("/kernel-defaults.yaml")) {
        return new String(in.readAllBytes(), StandardCharsets.UTF_8);
      } catch (IOException e) {
        throw new ProfileFileException(
            location + ": cannot read the built-in profile: " + e.getMessage(), e);
      }
    }
    try {
      byte[] bytes;
      if (STDIN.equals(location)) {
        bytes = System.in.readNBytes(MAX_BYTES + 1);
      } else {
        try (InputStream in = Files.newInputStream(Path.of(location))) {
          bytes = in.readNBytes(MAX_BYTES + 1);
        }
      }
      if (bytes.length > MAX_BYTES) {
        throw new ProfileFileException(
            location
                + ": larger than 3 MiB (allowed: a profile file of at most 3 MiB, the largest"
                + " request the API server takes)");
      }
      return decode(bytes, location);
    } catch (InvalidPathException e) {
      throw new ProfileFileException(
          Shown.quoted(location) + ": not a file name (" + Shown.message(e.getReason()) + ")", e);
    } catch (NoSuchFileException e) {
      throw new ProfileFileException(location + ": no such file", e);
    } catch (IOException e) {
      throw new ProfileFileException(location + ": cannot read: " + e.getMessage(), e);
    }
  }

  /**
   * The text of a file's bytes as the API server's YAML reader takes them: UTF-8 (a byte order mark
   * is dropped), or UTF-16 with a byte order mark. Anything else is refused with the line of the
   * first byte that is not UTF-8, where Java's "Input length = 1" named nothing.
   */
  private static String decode(byte[] bytes, String location) throws ProfileFileException {
    if (bytes.length >= 2 && (bytes[0] & 0xff) == 0xfe && (bytes[1] & 0xff) == 0xff) {
      return new String(bytes, 2, bytes.length - 2, StandardCharsets.UTF_16BE);
    }
    if (bytes.length >= 2 && (bytes[0] & 0xff) == 0xff && (bytes[1] & 0xff) == 0xfe) {
      return new String(bytes, 2, bytes.length - 2, StandardCharsets.UTF_16LE);
    }
    int start =
        bytes.length >= 3
                && (bytes[0] & 0xff) == 0xef
                && (bytes[1] & 0xff) == 0xbb
                && (bytes[2] & 0xff) == 0xbf
            ? 3
            : 0;
    CharsetDecoder decoder =
        StandardCharsets.UTF_8
            .newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT);
    ByteBuffer in = ByteBuffer.wrap(bytes, start, bytes.length - start);
    CharBuffer out = CharBuffer.allocate(bytes.length);
    CoderResult result = decoder.decode(in, out, true);
    if (result.isError()) {
      int at = in.position();
      int line = 1;
      for (int i = start; i < at; i++) {
        if (bytes[i] == '\n') {
          line++;
        }
      }
      throw new ProfileFileException(
          String.format(
              "%s: not UTF-8 text: byte 0x%02X at line %d (allowed: UTF-8, or UTF-16 with a byte"
                  + " order mark, as the API server reads YAML)",
              location, bytes[at] & 0xff, line));
    }
    decoder.flush(out);
    return out.flip().toString();
  }

  /**
   * Parses and validates profile text; {@code source} names it in messages. The text must hold
   * exactly one TcpProfile.
   */
  public TcpProfile parse(String text, String source) throws ProfileFileException {
    List<TcpProfile> profiles = parseAll(text, source);
    if (profiles.size() > 1) {
      throw new ProfileFileException(
          source
              + ": "
              + profiles.size()
              + " profiles (allowed: one TcpProfile per file; put each profile in its own file)");
    }
    return profiles.get(0);
  }

  /**
   * Parses and validates every document of the text, at least one; {@code source} names it in
   * messages, with the document's number when there are several.
   */
  public List<TcpProfile> parseAll(String text, String source) throws ProfileFileException {
    List<JsonNode> documents;
    try {
      documents = YamlDocuments.read(text);
    } catch (YamlDocuments.YamlProblem e) {
      throw new ProfileFileException(
          source + ": not valid YAML" + e.where + ": " + e.getMessage(), e);
    }
    if (documents.isEmpty()) {
      throw new ProfileFileException(source + ": expected one TcpProfile object, found nothing");
    }
    List<TcpProfile> profiles = new ArrayList<>();
    for (int i = 0; i < documents.size(); i++) {
      String where =
          documents.size() == 1
              ? source + ": "
              : source + ": document " + (i + 1) + " of " + documents.size() + ": ";
      JsonNode document = documents.get(i);
      if (isList(document)) {
        // What `kubectl get tcpp -o yaml` prints, and what kubectl apply -f unpacks.
        JsonNode items = document.path("items");
        if (!items.isArray() || items.isEmpty()) {
          throw new ProfileFileException(
              where
                  + "items: "
                  + (items.isArray() ? "an empty list" : shown(items))
                  + " is not allowed (allowed: a list of one or more TcpProfile objects)");
        }
        for (int k = 0; k < items.size(); k++) {
          profiles.add(profile(items.get(k), where + "items[" + k + "]: "));
        }
      } else {
        profiles.add(profile(document, where));
      }
    }
    return profiles;
  }

  /** A {@code v1} List or a TcpProfileList: kubectl's output for several objects. */
  private static boolean isList(JsonNode document) {
    String apiVersion = document.path("apiVersion").asText("");
    String kind = document.path("kind").asText("");
    return (apiVersion.equals("v1") && kind.equals("List"))
        || (apiVersion.equals(API_VERSION) && kind.equals("TcpProfileList"));
  }

  private TcpProfile profile(JsonNode tree, String where) throws ProfileFileException {
    if (!tree.isObject()) {
      throw new ProfileFileException(
          where
              + "expected a TcpProfile object, found "
              + (tree.isContainerNode() ? shown(tree) : "the value " + shown(tree)));
    }
    expect(tree, "apiVersion", API_VERSION, where);
    expect(tree, "kind", "TcpProfile", where);
    if (tree.has("status")) {
      // The API server drops status on create and update (it is a subresource): whatever is in
      // it, as `kubectl get -o yaml` saved it, is not judged.
      tree = tree.deepCopy();
      ((ObjectNode) tree).remove("status");
    }
    Optional<String> outOfRange = IntegerRanges.firstOutOfRange(tree);
    if (outOfRange.isPresent()) {
      throw new ProfileFileException(where + outOfRange.get());
    }
    Optional<String> hidden = WrittenForm.firstProblem(tree);
    if (hidden.isPresent()) {
      throw new ProfileFileException(where + hidden.get());
    }
    TcpProfile profile;
    try {
      profile = mapper.treeToValue(tree, TcpProfile.class);
    } catch (JsonProcessingException e) {
      throw new ProfileFileException(where + describe(e, tree), e);
    }
    List<FieldError> errors = new ArrayList<>(MetadataRules.check(profile.getMetadata()));
    errors.addAll(validator.validate(profile.getSpec()));
    if (!errors.isEmpty()) {
      throw new ProfileFileException(
          where + errors.stream().map(FieldError::toString).collect(Collectors.joining("; ")));
    }
    return profile;
  }

  private static void expect(JsonNode tree, String field, String wanted, String where)
      throws ProfileFileException {
    JsonNode actual = tree.path(field);
    if (actual.isMissingNode() || actual.isNull()) {
      throw new ProfileFileException(where + field + ": is required (allowed: " + wanted + ")");
    }
    if (!actual.isTextual() || !wanted.equals(actual.asText())) {
      throw new ProfileFileException(
          where + field + ": " + shown(actual) + " is not allowed (allowed: " + wanted + ")");
    }
  }

  /** A scalar as messages show it, short and quoted; a list or object by its kind. */
  static String shown(JsonNode value) {
    if (value.isArray()) {
      return "a list";
    }
    if (value.isObject()) {
      return "an object";
    }
    return value.isNull() ? "null" : Shown.quoted(value.asText());
  }

  /**
   * A value, with its JSON type when that is not the type the field takes: {@code priority: "1000"}
   * is the string '1000', which a bare '1000' next to "allowed: an integer" would not say.
   */
  private static String typed(JsonNode value, Class<?> target) {
    boolean textual = target == String.class || target.isEnum();
    boolean integral = target == Integer.class || target == int.class || target == Long.class;
    boolean bool = target == Boolean.class || target == boolean.class;
    boolean sameType =
        (textual && value.isTextual())
            || (integral && value.isIntegralNumber())
            || (bool && value.isBoolean());
    if (sameType || value.isContainerNode() || value.isNull()) {
      return shown(value);
    }
    if (value.isTextual()) {
      return "the string " + shown(value);
    }
    return (value.isBoolean() ? "the boolean " : "the number ") + Shown.text(value.asText());
  }

  private static String describe(JsonProcessingException e, JsonNode tree) {
    String path = e instanceof JsonMappingException m ? path(m.getPath()) : "";
    if (e instanceof UnrecognizedPropertyException u) {
      String field = path.isEmpty() ? Shown.text(u.getPropertyName()) : path;
      return field
          + ": unknown field (allowed here: "
          + u.getKnownPropertyIds().stream()
              .map(String::valueOf)
              .sorted()
              .collect(Collectors.joining(", "))
          + ")";
    }
    if (path.equals("spec.timeWait.twRecycle")) {
      // Refused whatever its value or type: "allowed: integer" would promise what is not so.
      return path + ": " + ProfileValidator.twRecycleRefusal();
    }
    if (e instanceof MismatchedInputException m && m.getTargetType() != null) {
      // InvalidFormatException is a MismatchedInputException: both read the value from the tree.
      JsonNode value = tree.at(pointer(m.getPath()));
      return path
          + ": "
          + typed(value, m.getTargetType())
          + " is not allowed (allowed: "
          + allowed(m.getTargetType(), path)
          + ")";
    }
    return (path.isEmpty() ? "" : path + ": ") + Shown.message(e.getOriginalMessage());
  }

  private static String pointer(List<JsonMappingException.Reference> refs) {
    StringBuilder out = new StringBuilder();
    for (JsonMappingException.Reference ref : refs) {
      String step =
          ref.getFieldName() != null ? ref.getFieldName() : String.valueOf(ref.getIndex());
      out.append('/').append(step.replace("~", "~0").replace("/", "~1"));
    }
    return out.toString();
  }

  private static String path(List<JsonMappingException.Reference> refs) {
    StringBuilder out = new StringBuilder();
    for (JsonMappingException.Reference ref : refs) {
      if (ref.getFieldName() != null) {
        out.append(out.length() == 0 ? "" : ".").append(Shown.text(ref.getFieldName()));
      } else if (ref.getIndex() >= 0) {
        out.append('[').append(ref.getIndex()).append(']');
      }
    }
    return out.toString();
  }

  /** What a field of this type takes, with its range when it has one. */
  private static String allowed(Class<?> type, String path) {
    String name = typeName(type);
    return IntegerRanges.rangeOf(path).map(range -> "an " + name + " " + range).orElse(name);
  }

  private static String typeName(Class<?> type) {
    if (type == Integer.class || type == int.class || type == Long.class || type == long.class) {
      return "integer";
    }
    if (type == String.class) {
      return "string";
    }
    if (type == Boolean.class || type == boolean.class) {
      return "boolean: true or false";
    }
    if (java.util.Collection.class.isAssignableFrom(type) || type.isArray()) {
      return "a list";
    }
    if (java.util.Map.class.isAssignableFrom(type)) {
      return "an object of key: value";
    }
    if (type.isEnum()) {
      return "one of "
          + Arrays.stream(type.getEnumConstants())
              .map(ProfileFiles::jsonName)
              .collect(Collectors.joining(", "));
    }
    if (type.getName().startsWith("dev.tcptune.")) {
      // One of our groups: its fields say more than "object".
      return "an object with " + ProfileValidator.settableFields(type);
    }
    return "an object";
  }

  /** The name of an enum constant in JSON (its {@code @JsonProperty}). */
  static String jsonName(Object constant) {
    try {
      var field = constant.getClass().getField(((Enum<?>) constant).name());
      var property = field.getAnnotation(com.fasterxml.jackson.annotation.JsonProperty.class);
      return property == null ? ((Enum<?>) constant).name() : property.value();
    } catch (NoSuchFieldException e) {
      return String.valueOf(constant);
    }
  }
}
