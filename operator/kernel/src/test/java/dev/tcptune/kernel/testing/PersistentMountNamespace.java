package dev.tcptune.kernel.testing;

import dev.tcptune.kernel.exec.CommandResult;
import dev.tcptune.kernel.exec.CommandRunner;
import dev.tcptune.kernel.exec.ProcessCommandRunner;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * A mount namespace of its own, kept in a file so that several commands can enter it one after the
 * other ({@code nsenter --mount=FILE}): mounts made in it are seen only by processes started in it,
 * and nothing propagates to the host. The file needs a private mount to live on: a bind mount of a
 * fresh directory under {@code /run}, the only change to the host's mounts, removed by {@link
 * #close()} (the namespace itself dies with its last process).
 */
public final class PersistentMountNamespace implements AutoCloseable {

  private final CommandRunner runner = new ProcessCommandRunner(Duration.ofSeconds(20));
  private final Path dir;
  private final Path file;

  private PersistentMountNamespace(Path dir) {
    this.dir = dir;
    this.file = dir.resolve("mnt");
  }

  /** A new mount namespace, a copy of this process's mounts. */
  public static PersistentMountNamespace create() throws IOException {
    Path dir = Path.of("/run", "tcpt-mnt-" + UUID.randomUUID().toString().substring(0, 8));
    Files.createDirectories(dir);
    PersistentMountNamespace ns = new PersistentMountNamespace(dir);
    try {
      ns.host("mount", "--bind", dir.toString(), dir.toString());
      ns.host("mount", "--make-private", dir.toString());
      Files.createFile(ns.file);
      ns.host("unshare", "--mount=" + ns.file, "--propagation", "private", "true");
      return ns;
    } catch (RuntimeException | IOException e) {
      ns.close();
      throw e;
    }
  }

  /** {@code nsenter} into this mount namespace with further {@code nsenterOptions}, then argv. */
  public List<String> enter(List<String> nsenterOptions, List<String> argv) {
    List<String> command = new ArrayList<>(List.of("nsenter", "--mount=" + file));
    command.addAll(nsenterOptions);
    command.addAll(argv);
    return command;
  }

  /** Runs {@code argv} in this mount namespace (with every capability). */
  public CommandResult run(String... argv) {
    return runner.run(enter(List.of(), List.of(argv)));
  }

  private void host(String... argv) {
    runner.run(List.of(argv)).orThrow();
  }

  @Override
  public void close() {
    runner.run(List.of("umount", file.toString()));
    runner.run(List.of("umount", dir.toString()));
    try {
      Files.deleteIfExists(file);
      Files.deleteIfExists(dir);
    } catch (IOException e) {
      throw new IllegalStateException("cannot remove " + dir, e);
    }
  }
}
