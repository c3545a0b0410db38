package dev.tcptune.agent;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tcptune.api.v1alpha1.OriginalValue;
import dev.tcptune.kernel.apply.InMemoryOriginalsJournal;
import dev.tcptune.kernel.apply.RouteOriginal;
import dev.tcptune.kernel.apply.SettingOriginal;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The agent's journal of originals: in {@code status.originals} of the node's TcpNodeState (so that
 * a new agent pod, or a human, sees them) and in a file on the node (so that they survive the
 * deletion of the TcpNodeState, which deletes its status too). A change that adds, drops or alters
 * an original is one status patch plus one atomic file replace, status first; when either fails the
 * change is refused and the applier writes nothing. A change of {@code lastWritten} alone (a new
 * value for a key already journaled: every profile change) is only the file replace: the file is
 * what a restarted agent loads first, and status gets the new value with the status write that
 * follows the apply. That keeps a profile change at one API write per node, not two.
 */
final class StatusOriginalsJournal extends InMemoryOriginalsJournal {

  private final StatusSink status;
  private final Path file;

  private StatusOriginalsJournal(
      StatusSink status, Path file, List<SettingOriginal> s, List<RouteOriginal> r) {
    super(s, r);
    this.status = Objects.requireNonNull(status, "status");
    this.file = Objects.requireNonNull(file, "file");
  }

  /**
   * Loads the journal: the entries of the file on the node, completed by those of the status (a new
   * node disk, or an agent that lost its state directory).
   */
  static StatusOriginalsJournal load(StatusSink status, Path file, List<OriginalValue> fromStatus) {
    List<OriginalValue> stored = new ArrayList<>(readFile(file));
    for (OriginalValue v : fromStatus == null ? List.<OriginalValue>of() : fromStatus) {
      boolean known =
          stored.stream()
              .anyMatch(
                  s ->
                      v != null
                          && Objects.equals(s.getKey(), v.getKey())
                          && Objects.equals(s.getRoute(), v.getRoute()));
      if (!known) {
        stored.add(v);
      }
    }
    return new StatusOriginalsJournal(
        status, file, OriginalsCodec.settings(stored), OriginalsCodec.routes(stored));
  }

  /** The journal as it goes into status. */
  List<OriginalValue> values() {
    return OriginalsCodec.encode(settings(), routes());
  }

  @Override
  protected void persist(List<SettingOriginal> settings, List<RouteOriginal> routes) {
    List<OriginalValue> values = OriginalsCodec.encode(settings, routes);
    if (!originalsOf(settings, routes).equals(originalsOf(settings(), routes()))) {
      ObjectNode patch = StatusPatcher.JSON.createObjectNode();
      patch.set("originals", StatusPatcher.JSON.valueToTree(values));
      // A deleted TcpNodeState has no status to write to: the file is then the only copy.
      status.patch(patch);
    }
    writeFile(file, values);
  }

  /** The journaled originals, without {@code lastWritten}. */
  private static Map<String, Object> originalsOf(
      List<SettingOriginal> settings, List<RouteOriginal> routes) {
    Map<String, Object> originals = new HashMap<>();
    settings.forEach(s -> originals.put("sysctl " + s.key(), s.original()));
    routes.forEach(r -> originals.put("route " + r.routeId(), r.originalMillis()));
    return originals;
  }

  private static List<OriginalValue> readFile(Path file) {
    if (!Files.exists(file)) {
      return List.of();
    }
    try {
      return StatusPatcher.JSON.readValue(file.toFile(), new TypeReference<>() {});
    } catch (IOException e) {
      throw new UncheckedIOException("originals journal " + file + ": cannot be read", e);
    }
  }

  private static void writeFile(Path file, List<OriginalValue> values) {
    try {
      Path dir = file.toAbsolutePath().getParent();
      Files.createDirectories(dir);
      Path temp = Files.createTempFile(dir, file.getFileName().toString(), ".tmp");
      try {
        Files.write(temp, StatusPatcher.JSON.writeValueAsBytes(values));
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
