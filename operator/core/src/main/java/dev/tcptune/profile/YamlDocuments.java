package dev.tcptune.profile;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.AbstractConstruct;
import org.yaml.snakeyaml.constructor.Construct;
import org.yaml.snakeyaml.constructor.ConstructorException;
import org.yaml.snakeyaml.constructor.DuplicateKeyException;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeId;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.Tag;
import org.yaml.snakeyaml.reader.ReaderException;
import org.yaml.snakeyaml.representer.Representer;
import org.yaml.snakeyaml.resolver.Resolver;

/**
 * Reads YAML into JSON trees the way {@code kubectl} turns a manifest into the JSON the API server
 * judges (YAML 1.1, as go-yaml v2 reads it): aliases are expanded, merge keys merged, {@code y} and
 * {@code on} are booleans, {@code 8192.0} and {@code 8e3} are the integers 8192 and 8000. Jackson's
 * own YAML reader differs: it reads an alias as the anchor's name, keeps the last of two equal keys
 * and stops after the first document. Duplicate keys are refused, with their line.
 */
final class YamlDocuments {

  /** Deeper than any profile; stops recursive aliases and stack exhaustion. */
  private static final int MAX_DEPTH = 32;

  private static final BigDecimal LONG_MIN = BigDecimal.valueOf(Long.MIN_VALUE);
  private static final BigDecimal LONG_MAX = BigDecimal.valueOf(Long.MAX_VALUE);

  private YamlDocuments() {}

  /** A YAML syntax problem, with where it was found: " at line 2, column 8", or "". */
  static final class YamlProblem extends Exception {
    final String where;

    YamlProblem(String message, Mark mark, Throwable cause) {
      super(message, cause);
      this.where =
          mark == null
              ? ""
              : " at line " + (mark.getLine() + 1) + ", column " + (mark.getColumn() + 1);
    }

    YamlProblem(String message, int line) {
      super(message);
      this.where = " at line " + line;
    }
  }

  /** A %YAML or %TAG directive line. */
  private static final Pattern DIRECTIVE = Pattern.compile("^%(?:YAML|TAG)(?:[ \t].*)?$");

  /**
   * kubectl splits a file at its {@code ---} lines before it reads YAML, so the directive before
   * {@code ---} becomes a document of its own that it refuses ("did not find expected <document
   * start>"); the API server refuses {@code %YAML 1.2} too. SnakeYAML would read both.
   */
  private static void refuseDirectives(String text) throws YamlProblem {
    String[] lines = text.split("\r?\n|\r", -1);
    for (int i = 0; i < lines.length; i++) {
      String line = i == 0 && lines[i].startsWith("\uFEFF") ? lines[i].substring(1) : lines[i];
      if (DIRECTIVE.matcher(line).matches()) {
        throw new YamlProblem(
            "the directive "
                + Shown.quoted(line)
                + " is not allowed (allowed: no %YAML or %TAG line; kubectl reads it as a document"
                + " of its own and refuses the file)",
            i + 1);
      }
    }
  }

  /**
   * JSON objects one after another without {@code ---} between them, which kubectl reads as a
   * stream of JSON documents when the file starts with '{'; each as its own text, or the whole text
   * when it is not such a stream.
   */
  private static List<String> jsonStream(String text) {
    String body = text.startsWith("\uFEFF") ? text.substring(1) : text;
    if (!body.stripLeading().startsWith("{")) {
      return List.of(text);
    }
    List<String> values = new ArrayList<>();
    try (JsonParser parser = new JsonFactory().createParser(body)) {
      while (parser.nextToken() != null) {
        int start = (int) parser.currentTokenLocation().getCharOffset();
        parser.skipChildren();
        int end = (int) parser.currentLocation().getCharOffset();
        values.add(body.substring(start, end));
      }
    } catch (IOException | RuntimeException e) {
      // Not JSON after all (a YAML flow mapping, a trailing comma): read as YAML.
      return List.of(text);
    }
    return values.size() > 1 ? values : List.of(text);
  }

  /** Every non-empty document of the text, as JSON trees. */
  static List<JsonNode> read(String text) throws YamlProblem {
    refuseDirectives(text);
    List<String> parts = jsonStream(text);
    if (parts.size() > 1) {
      List<JsonNode> documents = new ArrayList<>();
      for (String part : parts) {
        documents.addAll(read(part));
      }
      return documents;
    }
    String current = text;
    while (true) {
      try {
        return readOnce(current);
      } catch (SeparatingTab tab) {
        current = tab.replaced;
      }
    }
  }

  /**
   * SnakeYAML refuses a tab between tokens ({@code somaxconn:<TAB>8192}), which YAML and the API
   * server's reader take as a space. A tab where a token should start is never part of a value, so
   * it is read as a space and the text read again; a tab in the indentation stays an error, as it
   * is for the API server.
   */
  private static final class SeparatingTab extends Exception {
    final String replaced;

    SeparatingTab(String replaced) {
      super(null, null, false, false);
      this.replaced = replaced;
    }
  }

  private static List<JsonNode> readOnce(String text) throws YamlProblem, SeparatingTab {
    LoaderOptions options = new LoaderOptions();
    options.setAllowDuplicateKeys(false);
    options.setAllowRecursiveKeys(false);
    options.setMaxAliasesForCollections(50);
    options.setNestingDepthLimit(MAX_DEPTH);
    Yaml yaml =
        new Yaml(
            new GoYamlConstructor(options),
            new Representer(new org.yaml.snakeyaml.DumperOptions()),
            new org.yaml.snakeyaml.DumperOptions(),
            options,
            new GoYamlResolver());
    List<JsonNode> documents = new ArrayList<>();
    try {
      for (Object document : yaml.loadAll(text)) {
        if (document != null) {
          documents.add(toJson(document, 0, ""));
        }
      }
    } catch (DuplicateKeyException e) {
      throw new YamlProblem(
          "duplicate key " + duplicateKey(e) + " (allowed: each key once per mapping)",
          e.getProblemMark(),
          e);
    } catch (MarkedYAMLException e) {
      Mark mark = e.getProblemMark() != null ? e.getProblemMark() : e.getContextMark();
      int tab = tabAt(text, e.getProblemMark());
      if (tab >= 0 && !text.substring(text.lastIndexOf('\n', tab) + 1, tab).isBlank()) {
        throw new SeparatingTab(text.substring(0, tab) + ' ' + text.substring(tab + 1));
      }
      if (tab >= 0) {
        throw new YamlProblem("a tab in the indentation (allowed: spaces)", mark, e);
      }
      throw new YamlProblem(Shown.message(e.getProblem()), mark, e);
    } catch (ReaderException e) {
      // SnakeYAML's "special characters are not allowed" named neither the character nor where.
      throw new YamlProblem(
          String.format(
              "the control character U+%04X is not allowed (allowed: printable text, tabs and line"
                  + " breaks; UTF-16 needs a byte order mark)",
              e.getCodePoint()),
          lineAt(text, e.getPosition()));
    } catch (YAMLException | IllegalArgumentException e) {
      throw new YamlProblem(Shown.message(e.getMessage()), null, e);
    } catch (StackOverflowError e) {
      throw new YamlProblem("nested too deeply", null, null);
    } catch (RuntimeException e) {
      // Whatever else a reader of untrusted text throws is a refusal of the file, not a crash.
      throw new YamlProblem(Shown.message(String.valueOf(e.getMessage())), null, e);
    }
    return documents;
  }

  /** The line (from 1) of the code point at {@code position}. */
  private static int lineAt(String text, int position) {
    int end;
    try {
      end = text.offsetByCodePoints(0, Math.min(position, text.codePointCount(0, text.length())));
    } catch (IndexOutOfBoundsException e) {
      end = text.length();
    }
    return (int) text.substring(0, end).chars().filter(c -> c == '\n').count() + 1;
  }

  /** The index of the tab at the mark, or -1 when the mark is not on a tab. */
  private static int tabAt(String text, Mark mark) {
    if (mark == null) {
      return -1;
    }
    int lineStart = 0;
    for (int line = 0; line < mark.getLine(); line++) {
      lineStart = text.indexOf('\n', lineStart) + 1;
      if (lineStart == 0) {
        return -1;
      }
    }
    // SnakeYAML counts columns in code points.
    int at;
    try {
      at = text.offsetByCodePoints(lineStart, mark.getColumn());
    } catch (IndexOutOfBoundsException e) {
      return -1;
    }
    return at < text.length() && text.charAt(at) == '\t' ? at : -1;
  }

  private static JsonNode toJson(Object value, int depth, String path) throws YamlProblem {
    if (depth > MAX_DEPTH) {
      // A recursive alias (`a: &x [*x]`) ends here too.
      throw new YamlProblem(
          "nested more than " + MAX_DEPTH + " levels deep (recursive alias?)", null, null);
    }
    JsonNodeFactory nodes = JsonNodeFactory.instance;
    if (value == null) {
      return nodes.nullNode();
    }
    if (value instanceof Map<?, ?> map) {
      ObjectNode object = nodes.objectNode();
      for (Map.Entry<?, ?> entry : map.entrySet()) {
        Object key = entry.getKey();
        if (key == null || key instanceof Map || key instanceof List) {
          // kubectl refuses them too ("unsupported map key", "invalid map key"); String.valueOf
          // made `~:` the label key "null".
          String kind = key == null ? "null" : key instanceof Map ? "an object" : "a list";
          throw new YamlProblem(
              (path.isEmpty() ? "" : path + ": ")
                  + kind
                  + " as a map key is not allowed (allowed: a string key)",
              null,
              null);
        }
        if (key instanceof Double || key instanceof BigInteger) {
          // kubectl writes a float key as Go's float32 text (`.inf` as ".inf", 1e3 as "1000",
          // 99999999999999999999 as "1e+20") and refuses one beyond int64 but within uint64.
          throw new YamlProblem(
              (path.isEmpty() ? "" : path + ": ")
                  + "the number "
                  + Shown.quoted(
                      key instanceof Double d && !Double.isFinite(d)
                          ? (d.isNaN() ? ".nan" : d > 0 ? ".inf" : "-.inf")
                          : String.valueOf(key))
                  + " as a map key is not allowed (allowed: a string key, quoted when it looks"
                  + " like a number, or an integer of 64 bits)",
              null,
              null);
        }
        // JSON keys are strings: kubectl turns `1:` and `true:` into "1" and "true".
        String name = String.valueOf(key);
        object.set(
            name, toJson(entry.getValue(), depth + 1, path.isEmpty() ? name : path + "." + name));
      }
      return object;
    }
    if (value instanceof List<?> list) {
      ArrayNode array = nodes.arrayNode();
      for (Object item : list) {
        array.add(toJson(item, depth + 1, path + "[" + array.size() + "]"));
      }
      return array;
    }
    if (value instanceof Integer || value instanceof Long || value instanceof BigInteger) {
      return integer(new BigInteger(value.toString()));
    }
    if (value instanceof Double d) {
      return number(d);
    }
    if (value instanceof Boolean b) {
      return nodes.booleanNode(b);
    }
    if (value instanceof byte[] bytes) {
      // go-yaml v2 decodes `!!binary` into the string of its bytes; String.valueOf gave
      // "[B@6d06d69c".
      return nodes.textNode(new String(bytes, StandardCharsets.UTF_8));
    }
    return nodes.textNode(String.valueOf(value));
  }

  /**
   * An integer as the smallest node that holds it, as Jackson's own JSON parser makes it: a field
   * typed {@code Object} (fabric8's {@code IntOrString}) then sees an {@code Integer}, not a {@code
   * Long} it refuses ("Either integer or string value needs to be provided").
   */
  private static JsonNode integer(BigInteger value) {
    JsonNodeFactory nodes = JsonNodeFactory.instance;
    if (value.bitLength() < 32) {
      return nodes.numberNode(value.intValue());
    }
    if (value.bitLength() < 64) {
      return nodes.numberNode(value.longValue());
    }
    return nodes.numberNode(value);
  }

  /**
   * The API server stores a whole float as the integer it is (8192.0 as 8192) and judges a fraction
   * as a number that is not an integer.
   */
  private static JsonNode number(double value) {
    JsonNodeFactory nodes = JsonNodeFactory.instance;
    if (Double.isFinite(value) && value == Math.rint(value)) {
      BigDecimal whole = BigDecimal.valueOf(value);
      if (whole.compareTo(LONG_MIN) >= 0 && whole.compareTo(LONG_MAX) <= 0) {
        return integer(BigInteger.valueOf(whole.longValueExact()));
      }
    }
    return nodes.numberNode(value);
  }

  private static String duplicateKey(DuplicateKeyException e) {
    String problem = e.getProblem();
    String prefix = "found duplicate key ";
    String key =
        problem != null && problem.startsWith(prefix) ? problem.substring(prefix.length()) : "";
    return "'" + Shown.text(key) + "'";
  }

  /**
   * Timestamps stay text (kubectl sends `2024-01-01` as the string it is); y and n are booleans,
   * which SnakeYAML's own constructor does not know.
   */
  private static final class GoYamlConstructor extends SafeConstructor {

    /**
     * SnakeYAML takes the first of two merge keys in one mapping and go-yaml v2 (kubectl) the last,
     * so `<<: {somaxconn: 100}` then `<<: {somaxconn: 200}` read as 100 here and 200 there:
     * refused, like any other duplicate key. Several maps go in one merge key: `<<: [*a, *b]`.
     */
    @Override
    protected void flattenMapping(MappingNode node, boolean forceStringKeys) {
      NodeTuple first = null;
      for (NodeTuple tuple : node.getValue()) {
        if (tuple.getKeyNode().getTag().equals(Tag.MERGE)) {
          if (first != null) {
            throw new DuplicateMergeKey(node.getStartMark(), tuple.getKeyNode().getStartMark());
          }
          first = tuple;
        }
      }
      super.flattenMapping(node, forceStringKeys);
    }

    /**
     * go-yaml v2 builds a mapping or a sequence whatever its tag says ({@code !!set}, {@code
     * !!omap}, {@code !Profile}), reads a scalar by its tag only when that is one of YAML's scalar
     * types and refuses a scalar its tag does not fit ({@code !!int abc}: "cannot decode !!str
     * `abc` as a !!int"); any other tag ({@code !!map 4096}, {@code !local}) leaves the scalar's
     * text. SnakeYAML cast a mapping under {@code !!int} to a scalar (a ClassCastException),
     * refused local tags and read {@code !!bool maybe} as null.
     */
    @Override
    protected Construct getConstructor(Node node) {
      switch (node.getNodeId()) {
        case mapping -> node.setTag(Tag.MAP);
        case sequence -> node.setTag(Tag.SEQ);
        case scalar -> retagScalar((ScalarNode) node);
        default -> {}
      }
      return super.getConstructor(node);
    }

    private void retagScalar(ScalarNode node) {
      Tag tag = node.getTag();
      if (!SCALAR_TYPES.contains(tag)) {
        if (!tag.equals(Tag.STR) && !tag.equals(Tag.BINARY) && !tag.equals(Tag.MERGE)) {
          node.setTag(Tag.STR);
        }
        return;
      }
      Tag implicit = implicitTags.resolve(NodeId.scalar, node.getValue(), true);
      if (implicit.equals(tag)) {
        return;
      }
      if (tag.equals(Tag.FLOAT) && implicit.equals(Tag.INT)) {
        // An integer under !!float is that number (go-yaml converts it; 0x1F included).
        node.setTag(Tag.INT);
        return;
      }
      throw new UnreadableValue(node);
    }

    /**
     * A value SnakeYAML cannot build from its node ({@code !!binary '***'}: "Illegal base64
     * character") is refused with the node's line, not as a bare Java message.
     */
    @Override
    protected Object constructObject(Node node) {
      try {
        return super.constructObject(node);
      } catch (YAMLException e) {
        throw e;
      } catch (RuntimeException e) {
        throw new UnreadableValue(node, e);
      }
    }

    GoYamlConstructor(LoaderOptions options) {
      super(options);
      yamlConstructors.put(Tag.TIMESTAMP, new ConstructYamlStr());
      yamlConstructors.put(Tag.INT, new ConstructGoInt());
      ConstructYamlFloat floats = new ConstructYamlFloat();
      yamlConstructors.put(
          Tag.FLOAT,
          new AbstractConstruct() {
            @Override
            public Object construct(Node node) {
              Object value = floats.construct(node);
              String text = constructScalar((ScalarNode) node);
              // Beyond a double (1e400) Go's strconv.ParseFloat fails and go-yaml keeps the text:
              // kubectl sends the string "1e400", not infinity.
              boolean overflow =
                  value instanceof Double d
                      && d.isInfinite()
                      && !text.toLowerCase(java.util.Locale.ROOT).contains("inf");
              return overflow ? text : value;
            }
          });
      ConstructYamlBool yaml11 = new ConstructYamlBool();
      yamlConstructors.put(
          Tag.BOOL,
          new AbstractConstruct() {
            @Override
            public Object construct(Node node) {
              String value = constructScalar((ScalarNode) node);
              return switch (value) {
                case "y", "Y" -> Boolean.TRUE;
                case "n", "N" -> Boolean.FALSE;
                default -> yaml11.construct(node);
              };
            }
          });
    }
  }

  /**
   * Plain scalars resolved as go-yaml v2 resolves them: an integer is what Go's {@code
   * strconv.ParseInt(s, 0, 64)} takes once every underscore is gone (so {@code 0o17}, {@code 0x1F},
   * {@code 010} and {@code 1_000} are integers), else a number of the form {@code
   * [-+]?(\.d+|d+(\.d*)?)([eE][-+]?d+)?} is a float (so {@code 08} is 8.0); sexagesimal {@code
   * 1:30}, which SnakeYAML would read as 90, stays text. y, Y, n and N are booleans too.
   */
  private static final class GoYamlResolver extends Resolver {
    /** Go's integer literals ({@code strconv.ParseInt(s, 0, 64)}), underscores aside. */
    private static final Pattern GO_INT =
        Pattern.compile(
            "^[-+]?(?:0|[1-9][0-9]*|0[0-7]+|0[oO][0-7]+|0[xX][0-9a-fA-F]+|0[bB][01]+)$");

    /** go-yaml's {@code yamlStyleFloat}: the float form it tries after the integers. */
    private static final String YAML_STYLE_FLOAT =
        "[-+]?(?:\\.[0-9]+|[0-9]+(?:\\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?";

    private static final Pattern FINITE_FLOAT = Pattern.compile("^" + YAML_STYLE_FLOAT + "$");

    private static final Pattern GO_FLOAT =
        Pattern.compile(
            "^(?:" + YAML_STYLE_FLOAT + "|[-+]?\\.(?:inf|Inf|INF)|\\.(?:nan|NaN|NAN))$");

    /**
     * go-yaml v2 deletes every underscore of a plain scalar that starts with a digit or a sign
     * before it tries the number forms, so {@code 4096_}, {@code 40__96} and {@code +_4096} are
     * 4096 to kubectl.
     */
    @Override
    public Tag resolve(NodeId kind, String value, boolean implicit) {
      if (kind == NodeId.scalar
          && implicit
          && value.indexOf('_') >= 0
          && "+-0123456789".indexOf(value.charAt(0)) >= 0) {
        String plain = value.replace("_", "");
        if (GO_INT.matcher(plain).matches()) {
          return Tag.INT;
        }
        if (FINITE_FLOAT.matcher(plain).matches()) {
          return Tag.FLOAT;
        }
      }
      return super.resolve(kind, value, implicit);
    }

    @Override
    protected void addImplicitResolvers() {
      addImplicitResolver(Tag.BOOL, Pattern.compile("^(?:y|Y|n|N)$"), "yYnN");
      addImplicitResolver(Tag.BOOL, BOOL, "yYnNtTfFoO");
      addImplicitResolver(Tag.INT, GO_INT, "-+0123456789");
      addImplicitResolver(Tag.FLOAT, GO_FLOAT, "-+0123456789.");
      addImplicitResolver(Tag.MERGE, MERGE, "<");
      addImplicitResolver(Tag.NULL, NULL, "~nN\0");
      addImplicitResolver(Tag.NULL, EMPTY, null);
      addImplicitResolver(Tag.TIMESTAMP, TIMESTAMP, "0123456789");
    }
  }

  /** The tags go-yaml reads a scalar by, each the type its text must resolve to. */
  private static final java.util.Set<Tag> SCALAR_TYPES =
      java.util.Set.of(Tag.INT, Tag.FLOAT, Tag.BOOL, Tag.NULL);

  private static final Resolver implicitTags = new GoYamlResolver();

  /** A scalar whose tag it does not fit, or whose value cannot be built, with its place. */
  private static final class UnreadableValue extends ConstructorException {
    UnreadableValue(Node node) {
      super(
          null,
          null,
          Shown.quoted(((ScalarNode) node).getValue())
              + " is not "
              + typeOf(node.getTag())
              + ", which its tag "
              + node.getTag().getValue().replace(Tag.PREFIX, "!!")
              + " says (allowed: a value of that type after the tag, or no tag)",
          node.getStartMark());
    }

    UnreadableValue(Node node, RuntimeException cause) {
      super(
          null,
          null,
          "cannot read the value under the tag "
              + node.getTag().getValue().replace(Tag.PREFIX, "!!")
              + ": "
              + Shown.message(cause.getMessage()),
          node.getStartMark(),
          cause);
    }

    private static String typeOf(Tag tag) {
      if (tag.equals(Tag.INT)) {
        return "an integer";
      }
      if (tag.equals(Tag.FLOAT)) {
        return "a number";
      }
      return tag.equals(Tag.BOOL) ? "a boolean" : "null";
    }
  }

  /** A second merge key in one mapping, reported as the duplicate key it is. */
  private static final class DuplicateMergeKey extends DuplicateKeyException {
    DuplicateMergeKey(Mark context, Mark problem) {
      super(context, "<<", problem);
    }
  }

  /** An integer in Go's literal syntax (what {@link GoYamlResolver} tagged as one). */
  private static final class ConstructGoInt extends AbstractConstruct {
    @Override
    public Object construct(Node node) {
      String text = ((ScalarNode) node).getValue().replace("_", "");
      boolean negative = text.startsWith("-");
      String digits = text.startsWith("-") || text.startsWith("+") ? text.substring(1) : text;
      int radix = 10;
      String lower = digits.toLowerCase(java.util.Locale.ROOT);
      if (lower.startsWith("0x")) {
        radix = 16;
        digits = digits.substring(2);
      } else if (lower.startsWith("0o")) {
        radix = 8;
        digits = digits.substring(2);
      } else if (lower.startsWith("0b")) {
        radix = 2;
        digits = digits.substring(2);
      } else if (digits.length() > 1 && digits.startsWith("0")) {
        radix = 8;
        digits = digits.substring(1);
      }
      BigInteger value = new BigInteger(digits, radix);
      value = negative ? value.negate() : value;
      return value.bitLength() < 64 ? (Object) value.longValue() : value;
    }
  }
}
