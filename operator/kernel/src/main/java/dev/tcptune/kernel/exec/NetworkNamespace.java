package dev.tcptune.kernel.exec;

import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Which network namespace a kernel operation targets. Every {@code net.*} sysctl, route and socket
 * counter is per namespace, so the target must be explicit: the namespace of this process (the
 * node's host namespace for a hostNetwork agent) or a named {@code ip netns} namespace (tests, the
 * CLI pointed at a namespace).
 *
 * <p>A named namespace is entered with {@code ip netns exec NAME ...}: files under {@code
 * /proc/net} and {@code /proc/sys/net} show the namespace of the process that opens them, so they
 * are read by a {@code cat} running inside the namespace.
 */
public final class NetworkNamespace {

  /** What {@code ip netns} names may look like here: no path separators, no dots, no spaces. */
  public static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_-]{0,62}");

  private static final NetworkNamespace CURRENT = new NetworkNamespace(null);

  private final String name;

  private NetworkNamespace(String name) {
    this.name = name;
  }

  /** The namespace of this process. */
  public static NetworkNamespace current() {
    return CURRENT;
  }

  /**
   * A namespace known to {@code ip netns} (a file under {@code /run/netns}).
   *
   * @throws IllegalArgumentException when the name does not match {@link #NAME}
   */
  public static NetworkNamespace named(String name) {
    Objects.requireNonNull(name, "name");
    if (!NAME.matcher(name).matches()) {
      throw new IllegalArgumentException(
          "network namespace: '" + name + "' is not allowed (allowed: " + NAME.pattern() + ")");
    }
    return new NetworkNamespace(name);
  }

  /** The {@code ip netns} name, empty for {@link #current()}. */
  public Optional<String> name() {
    return Optional.ofNullable(name);
  }

  /** True for the namespace of this process. */
  public boolean isCurrent() {
    return name == null;
  }

  /** {@code argv} as it must be run to act inside this namespace. */
  public List<String> wrap(List<String> argv) {
    if (isCurrent()) {
      return List.copyOf(argv);
    }
    List<String> wrapped = new ArrayList<>(List.of("ip", "netns", "exec", name));
    wrapped.addAll(argv);
    return List.copyOf(wrapped);
  }

  /**
   * Reads a file as a process inside this namespace sees it (meant for {@code /proc/net/*} and
   * {@code /proc/sys/*}).
   *
   * @return the content, or empty when the file does not exist there
   * @throws CommandFailedException when the file exists but cannot be read
   */
  public Optional<String> readFile(Path path, CommandRunner runner) {
    if (isCurrent()) {
      try {
        return Optional.of(ProcFiles.read(path));
      } catch (NoSuchFileException e) {
        return Optional.empty();
      } catch (IOException e) {
        throw new CommandFailedException("reading " + path + " failed: " + e.getMessage(), e);
      }
    }
    CommandResult result = runner.run(wrap(List.of("cat", path.toString())));
    if (result.succeeded()) {
      return Optional.of(result.stdout());
    }
    if (result.stderr().contains("No such file or directory")) {
      return Optional.empty();
    }
    result.orThrow();
    return Optional.empty();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof NetworkNamespace other && Objects.equals(name, other.name);
  }

  @Override
  public int hashCode() {
    return Objects.hashCode(name);
  }

  @Override
  public String toString() {
    return isCurrent() ? "current" : "netns:" + name;
  }
}
