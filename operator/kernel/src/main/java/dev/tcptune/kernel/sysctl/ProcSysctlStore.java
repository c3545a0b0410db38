package dev.tcptune.kernel.sysctl;

import dev.tcptune.kernel.exec.CommandFailedException;
import dev.tcptune.kernel.exec.CommandResult;
import dev.tcptune.kernel.exec.CommandRunner;
import dev.tcptune.kernel.exec.NetworkNamespace;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The real {@link SysctlStore}: the files under {@code /proc/sys}. For this process's namespace it
 * is plain file I/O (what {@code sysctl -w} does, no process spawned per key); for a named
 * namespace it runs {@code cat} and {@code tee} inside it, because /proc/sys/net shows the
 * namespace of the process that opens the file.
 *
 * <p><b>Root.</b> Container runtimes mount {@code /proc/sys} read-only. A container that must write
 * sysctls without being privileged gets the host's {@code /proc/sys/net} mounted writable somewhere
 * else (a hostPath volume at {@code /host/proc/sys/net}, say) and uses {@link #rootedAt(Path)} with
 * the directory above it ({@code /host/proc/sys}). Which namespace such a mount shows is decided
 * when a file is looked up, by the network namespace of the process looking it up, not by the
 * process that made the mount: procfs keeps one set of {@code net} entries per namespace. So the
 * mounted path reaches the host's values only from a process in the host's network namespace
 * ({@code hostNetwork}), which {@code NamespaceGuard} checks; from anywhere else it shows that
 * process's own namespace, exactly as {@code /proc/sys} would.
 */
public final class ProcSysctlStore implements SysctlStore {

  /** Files that show whether a directory is a writable /proc/sys (opened, never written). */
  private static final List<String> PROBES =
      List.of("net.core.somaxconn", "net.ipv4.tcp_fin_timeout");

  /** Where the kernel exposes sysctls. */
  public static final Path PROC_SYS = Path.of("/proc/sys");

  private final Path root;
  private final NetworkNamespace namespace;
  private final CommandRunner runner;

  private ProcSysctlStore(Path root, NetworkNamespace namespace, CommandRunner runner) {
    this.root = Objects.requireNonNull(root, "root");
    this.namespace = namespace;
    this.runner = runner;
  }

  /** The sysctls of this process's namespace, at {@code /proc/sys}. */
  public static ProcSysctlStore current() {
    return rootedAt(PROC_SYS);
  }

  /**
   * Sysctls of this process's namespace under another root laid out as /proc/sys (a writable mount
   * of /proc/sys/net, see above, or a test directory).
   */
  public static ProcSysctlStore rootedAt(Path root) {
    return new ProcSysctlStore(root, NetworkNamespace.current(), null);
  }

  /**
   * Why {@code root} cannot be written as this process's sysctls, empty when it can: it must be an
   * absolute path on procfs whose {@code net/core/somaxconn} (or, when that is missing, {@code
   * net/ipv4/tcp_fin_timeout}) this process may write (a read-only mount, or a process that is
   * neither uid 0 nor holds {@code CAP_NET_ADMIN}, may not).
   */
  public static Optional<String> checkWritableRoot(Path root) {
    Objects.requireNonNull(root, "root");
    if (!root.isAbsolute()) {
      return Optional.of(root + " is not an absolute path");
    }
    // Two keys of different directories: a kernel built without one (or a test hiding it) still
    // has the other.
    Optional<Path> found =
        PROBES.stream()
            .map(key -> root.resolve(SysctlValues.procPath(key)))
            .filter(Files::isRegularFile)
            .findFirst();
    if (found.isEmpty()) {
      return Optional.of(
          root
              + " holds neither net/core/somaxconn nor net/ipv4/tcp_fin_timeout: it must be a"
              + " /proc/sys directory");
    }
    Path probe = found.get();
    try {
      String type = Files.getFileStore(probe).type();
      if (!"proc".equals(type)) {
        return Optional.of(root + " is on a " + type + " file system, not procfs");
      }
    } catch (IOException e) {
      return Optional.of("cannot tell the file system of " + root + ": " + e.getMessage());
    }
    // Opened for writing and closed without a write, which changes nothing. Not access(2): it
    // drops the capabilities of a process that is not uid 0, and so would call the sysctl
    // read-only for a user holding CAP_NET_ADMIN, who may write it.
    try (SeekableByteChannel channel = Files.newByteChannel(probe, StandardOpenOption.WRITE)) {
      return Optional.empty();
    } catch (IOException e) {
      return Optional.of(
          probe
              + " is not writable ("
              + e.getClass().getSimpleName()
              + (e.getMessage() == null ? "" : ": " + e.getMessage())
              + "; container runtimes mount /proc/sys read-only): mount the host's /proc/sys/net"
              + " writable (a hostPath volume) at DIR/net and point the sysctl root at DIR");
    }
  }

  /** The sysctls of {@code namespace}, reached through {@code runner} when it is a named one. */
  public static ProcSysctlStore forNamespace(NetworkNamespace namespace, CommandRunner runner) {
    Objects.requireNonNull(namespace, "namespace");
    if (namespace.isCurrent()) {
      return current();
    }
    return new ProcSysctlStore(PROC_SYS, namespace, Objects.requireNonNull(runner, "runner"));
  }

  @Override
  public Optional<String> read(String key) {
    Path path = root.resolve(SysctlValues.procPath(key));
    if (namespace.isCurrent()) {
      try {
        return Optional.of(SysctlValues.normalize(dev.tcptune.kernel.exec.ProcFiles.read(path)));
      } catch (NoSuchFileException e) {
        return Optional.empty();
      } catch (IOException e) {
        throw new UncheckedIOException(key + ": reading " + path + " failed", e);
      }
    }
    return namespace.readFile(path, runner).map(SysctlValues::normalize);
  }

  @Override
  public void write(String key, String value) throws SysctlWriteException {
    Path path = root.resolve(SysctlValues.procPath(key));
    String normalized = SysctlValues.normalize(value);
    if (namespace.isCurrent()) {
      writeFile(key, normalized, path);
    } else {
      writeInNamespace(key, normalized, path);
    }
  }

  private static void writeFile(String key, String value, Path path) throws SysctlWriteException {
    try {
      // No CREATE: a missing key must fail, not become a new file.
      Files.writeString(
          path,
          value + "\n",
          StandardCharsets.UTF_8,
          StandardOpenOption.WRITE,
          StandardOpenOption.TRUNCATE_EXISTING);
    } catch (NoSuchFileException e) {
      throw new SysctlWriteException(key, value, "the key does not exist on this kernel");
    } catch (IOException e) {
      throw new SysctlWriteException(key, value, String.valueOf(e.getMessage()));
    }
  }

  private void writeInNamespace(String key, String value, Path path) throws SysctlWriteException {
    // `test -e` first: tee would try to create a missing file and report a misleading error.
    CommandResult exists = runner.run(namespace.wrap(List.of("test", "-e", path.toString())));
    if (!exists.succeeded()) {
      throw new SysctlWriteException(key, value, "the key does not exist on this kernel");
    }
    CommandResult result;
    try {
      result = runner.run(namespace.wrap(List.of("tee", path.toString())), value + "\n");
    } catch (CommandFailedException e) {
      throw new SysctlWriteException(key, value, e.getMessage());
    }
    if (!result.succeeded()) {
      throw new SysctlWriteException(key, value, kernelError(result.stderr()));
    }
  }

  /** {@code "tee: /proc/sys/x: Invalid argument"} -> {@code "Invalid argument"}. */
  private static String kernelError(String stderr) {
    String text = stderr.strip();
    int colon = text.lastIndexOf(": ");
    return colon >= 0 ? text.substring(colon + 2) : text;
  }

  @Override
  public String toString() {
    return "ProcSysctlStore[" + namespace + ", " + root + "]";
  }
}
