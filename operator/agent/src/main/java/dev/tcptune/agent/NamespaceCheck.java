package dev.tcptune.agent;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Objects;
import java.util.Optional;

/**
 * Refuses to run in the wrong network namespace. Every net.* sysctl and route the agent writes
 * belongs to the namespace of the agent process itself (a procfs mount does not redirect writes),
 * so an agent pod without hostNetwork would tune its own pod and report the node as tuned. The
 * agent must be in the host's namespace (that of PID 1, given hostPID), or, for tests, in the
 * {@code ip netns} namespace it was told.
 */
final class NamespaceCheck {

  private final Path self;
  private final Path host;
  private final Path netnsDir;

  NamespaceCheck(Path procRoot, Path netnsDir) {
    this.self = procRoot.resolve("self/ns/net");
    this.host = procRoot.resolve("1/ns/net");
    this.netnsDir = Objects.requireNonNull(netnsDir, "netnsDir");
  }

  /** The check on this machine: /proc and /run/netns. */
  static NamespaceCheck system() {
    return new NamespaceCheck(Path.of("/proc"), Path.of("/run/netns"));
  }

  /**
   * Empty when this process is where it should be, else why not.
   *
   * @param netns the {@code ip netns} name the agent was told to tune; empty for the host
   */
  Optional<String> problem(Optional<String> netns) {
    Path expected = netns.map(netnsDir::resolve).orElse(host);
    String what =
        netns
            .map(n -> "network namespace '" + n + "' (" + expected + ")")
            .orElse("host network namespace (that of PID 1, " + host + ")");
    Object mine;
    Object theirs;
    try {
      mine = identity(self);
    } catch (IOException e) {
      return Optional.of("cannot read " + self + ": " + why(e));
    }
    try {
      theirs = identity(expected);
    } catch (IOException e) {
      return Optional.of(
          "cannot read the "
              + what
              + ": "
              + why(e)
              + (netns.isPresent()
                  ? ""
                  : "; the agent needs hostPID (or run it with --netns in tests)"));
    }
    if (!mine.equals(theirs)) {
      return Optional.of(
          "this process is not in the "
              + what
              + ": its sysctl and route writes would tune another namespace than the one it reports"
              + (netns.isPresent()
                  ? "; start it with `ip netns exec " + netns.get() + " ...`"
                  : "; run the agent with hostNetwork: true and hostPID: true"));
    }
    return Optional.empty();
  }

  private static String why(IOException e) {
    return e instanceof java.nio.file.AccessDeniedException
        ? "permission denied"
        : e instanceof java.nio.file.NoSuchFileException ? "no such file" : e.toString();
  }

  /** Device and inode of the namespace file: equal for the same namespace. */
  private static Object identity(Path nsFile) throws IOException {
    return Files.readAttributes(nsFile, BasicFileAttributes.class).fileKey();
  }
}
