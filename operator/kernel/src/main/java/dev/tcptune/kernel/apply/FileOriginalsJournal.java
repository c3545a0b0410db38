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
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * An {@link OriginalsJournal} in a JSON file, for the CLI: every change rewrites the whole file
 * through a temporary file, fsync and an atomic rename, so a crash leaves either the old or the new
 * journal, never half of one. Format: {@code {"sysctls": {key: value}, "routes": {id: ms|null}}}.
 */
public final class FileOriginalsJournal implements OriginalsJournal {

  private static final ObjectMapper MAPPER = new ObjectMapper();

  private final Path file;
  private final InMemoryOriginalsJournal state = new InMemoryOriginalsJournal();

  /**
   * Opens (or starts) the journal at {@code file}.
   *
   * @throws UncheckedIOException when an existing file cannot be read or parsed
   */
  public FileOriginalsJournal(Path file) {
    this.file = Objects.requireNonNull(file, "file").toAbsolutePath();
    if (Files.exists(this.file)) {
      load();
    }
  }

  /** Where the journal lives. */
  public Path file() {
    return file;
  }

  private void load() {
    try {
      JsonNode root = MAPPER.readTree(file.toFile());
      root.path("sysctls")
          .fields()
          .forEachRemaining(e -> state.record(e.getKey(), e.getValue().asText()));
      root.path("routes")
          .fields()
          .forEachRemaining(
              e ->
                  state.recordRoute(
                      e.getKey(),
                      e.getValue().isNull()
                          ? OptionalInt.empty()
                          : OptionalInt.of(e.getValue().asInt())));
    } catch (IOException e) {
      throw new UncheckedIOException("originals journal " + file + ": cannot be read", e);
    }
  }

  private void save() {
    ObjectNode root = MAPPER.createObjectNode();
    ObjectNode sysctls = root.putObject("sysctls");
    state.originals().forEach(sysctls::put);
    ObjectNode routes = root.putObject("routes");
    for (RouteOriginal r : state.routeOriginals()) {
      if (r.rtoMinMillis().isPresent()) {
        routes.put(r.routeId(), r.rtoMinMillis().getAsInt());
      } else {
        routes.putNull(r.routeId());
      }
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

  @Override
  public Optional<String> original(String key) {
    return state.original(key);
  }

  @Override
  public void record(String key, String originalValue) {
    if (state.original(key).isEmpty()) {
      state.record(key, originalValue);
      save();
    }
  }

  @Override
  public void forget(String key) {
    if (state.original(key).isPresent()) {
      state.forget(key);
      save();
    }
  }

  @Override
  public Map<String, String> originals() {
    return state.originals();
  }

  @Override
  public Optional<RouteOriginal> routeOriginal(String routeId) {
    return state.routeOriginal(routeId);
  }

  @Override
  public void recordRoute(String routeId, OptionalInt originalRtoMinMillis) {
    if (state.routeOriginal(routeId).isEmpty()) {
      state.recordRoute(routeId, originalRtoMinMillis);
      save();
    }
  }

  @Override
  public void forgetRoute(String routeId) {
    if (state.routeOriginal(routeId).isPresent()) {
      state.forgetRoute(routeId);
      save();
    }
  }

  @Override
  public List<RouteOriginal> routeOriginals() {
    return state.routeOriginals();
  }
}
