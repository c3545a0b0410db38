package dev.tcptune.kernel.apply;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.OptionalInt;

/**
 * An {@link OriginalsJournal} in a JSON file, for the CLI: every batch rewrites the whole file
 * through a temporary file, fsync and an atomic rename, so a crash leaves either the old or the new
 * journal, never half of one. Format: {@code {"sysctls": {key: {"original": v, "lastWritten": v}},
 * "routes": {id: {"original": ms|null, "lastWritten": ms}}}}.
 */
public final class FileOriginalsJournal extends InMemoryOriginalsJournal {

  private static final ObjectMapper MAPPER = new ObjectMapper();

  private final Path file;

  /**
   * Opens (or starts) the journal at {@code file}.
   *
   * @throws UncheckedIOException when an existing file cannot be read or parsed
   * @throws IllegalArgumentException when it holds a journal of another format
   */
  public FileOriginalsJournal(Path file) {
    this(Objects.requireNonNull(file, "file").toAbsolutePath(), read(file.toAbsolutePath()));
  }

  private FileOriginalsJournal(Path file, JsonNode root) {
    super(settingsOf(file, root), routesOf(file, root));
    this.file = file;
  }

  /** An entry must be an object: a journal of another format is refused, not half read. */
  private static JsonNode entry(Path file, String key, JsonNode value, String... fields) {
    for (String field : fields) {
      if (!value.isObject() || !value.has(field)) {
        throw new IllegalArgumentException(
            "originals journal " + file + ": entry '" + key + "' has no '" + field + "'");
      }
    }
    return value;
  }

  /** Where the journal lives. */
  public Path file() {
    return file;
  }

  private static JsonNode read(Path file) {
    if (!Files.exists(file)) {
      return MAPPER.createObjectNode();
    }
    try {
      return MAPPER.readTree(file.toFile());
    } catch (IOException e) {
      throw new UncheckedIOException("originals journal " + file + ": cannot be read", e);
    }
  }

  private static List<SettingOriginal> settingsOf(Path file, JsonNode root) {
    List<SettingOriginal> settings = new ArrayList<>();
    root.path("sysctls")
        .fields()
        .forEachRemaining(
            e -> {
              JsonNode value = entry(file, e.getKey(), e.getValue(), "original", "lastWritten");
              settings.add(
                  new SettingOriginal(
                      e.getKey(),
                      value.get("original").asText(),
                      value.get("lastWritten").asText()));
            });
    return settings;
  }

  private static List<RouteOriginal> routesOf(Path file, JsonNode root) {
    List<RouteOriginal> routes = new ArrayList<>();
    root.path("routes")
        .fields()
        .forEachRemaining(
            e -> {
              JsonNode value = entry(file, e.getKey(), e.getValue(), "original", "lastWritten");
              JsonNode original = value.get("original");
              routes.add(
                  new RouteOriginal(
                      e.getKey(),
                      original.isInt() ? OptionalInt.of(original.asInt()) : OptionalInt.empty(),
                      value.get("lastWritten").asInt()));
            });
    return routes;
  }

  @Override
  protected void persist(List<SettingOriginal> settings, List<RouteOriginal> routes) {
    ObjectNode root = MAPPER.createObjectNode();
    ObjectNode sysctls = root.putObject("sysctls");
    for (SettingOriginal s : settings) {
      sysctls.putObject(s.key()).put("original", s.original()).put("lastWritten", s.lastWritten());
    }
    ObjectNode routeNodes = root.putObject("routes");
    for (RouteOriginal r : routes) {
      ObjectNode node = routeNodes.putObject(r.routeId());
      if (r.originalMillis().isPresent()) {
        node.put("original", r.originalMillis().getAsInt());
      } else {
        node.putNull("original");
      }
      node.put("lastWritten", r.lastWrittenMillis());
    }
    try {
      Path dir = file.getParent();
      Files.createDirectories(dir);
      Path temp = Files.createTempFile(dir, file.getFileName().toString(), ".tmp");
      try {
        Files.write(temp, MAPPER.writerWithDefaultPrettyPrinter().writeValueAsBytes(root));
        try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.WRITE)) {
          channel.force(true);
        }
        Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } finally {
        Files.deleteIfExists(temp);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("originals journal " + file + ": cannot be written", e);
    }
  }
}
