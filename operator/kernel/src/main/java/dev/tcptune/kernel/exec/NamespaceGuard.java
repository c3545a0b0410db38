package dev.tcptune.kernel.exec;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/**
 * Checks, before anything is written, that this process is inside the network namespace it is meant
 * to tune. The agent writes {@code /proc/sys/net} of its own namespace: a mounted host procfs does
 * not help, because {@code /proc/sys/net} always shows the namespace of the process that opens the
 * file. So an agent started without {@code hostNetwork} would silently tune its pod instead of the
 * node.
 *
 * <p>Namespaces are compared by the device and inode of their nsfs files. The host's network
 * namespace is the initial one:
 *
 * <ol>
 *   <li>Since Linux 6.18 its nsfs inode is fixed ({@link #INITIAL_NET_NS_INODE}); namespaces
 *       created later get dynamic inodes from {@code 0xF0000000} up, so that inode alone proves it,
 *       with no {@code hostPID} and no privilege.
 *   <li>Otherwise {@code /proc/self/ns/net} is compared with {@code /proc/1/ns/net}, the host's
 *       init (which needs {@code hostPID}, checked through the fixed inode of the initial PID
 *       namespace). Opening another process's {@code ns/net} needs ptrace access, which a process
 *       holding only {@code CAP_NET_ADMIN} lacks for init; then the entries of {@code
 *       /proc/self/net} and {@code /proc/1/net} are compared instead: each network namespace has
 *       its own procfs entries (with inodes unique while it lives), and {@code /proc/PID/net} needs
 *       no ptrace access.
 * </ol>
 *
 * <p>A named namespace is compared with its {@code ip netns} file, {@code /run/netns/NAME} (a bind
 * mount of the nsfs file, which anyone may stat).
 */
public final class NamespaceGuard {

  /** The inode of the initial PID namespace ({@code PROC_PID_INIT_INO} in the kernel). */
  static final long INITIAL_PID_NS_INODE = 0xEFFFFFFCL;

  /** The inode of the initial network namespace since Linux 6.18 ({@code PROC_NET_INIT_INO}). */
  static final long INITIAL_NET_NS_INODE = 0xEFFFFFF9L;

  /** An entry every network namespace has in its own {@code /proc/net}. */
  private static final String PROC_NET_ENTRY = "net/dev";

  private final Path selfNet;
  private final Path selfPid;
  private final Path hostNet;
  private final Path netnsDir;

  /**
   * A guard over explicit paths (tests use another process as the host reference).
   *
   * @param selfNet this process's network namespace, normally {@code /proc/self/ns/net}
   * @param selfPid this process's PID namespace, normally {@code /proc/self/ns/pid}
   * @param hostNet the host's network namespace, normally {@code /proc/1/ns/net}
   * @param netnsDir where {@code ip netns} keeps named namespaces, normally {@code /run/netns}
   */
  public NamespaceGuard(Path selfNet, Path selfPid, Path hostNet, Path netnsDir) {
    this.selfNet = Objects.requireNonNull(selfNet, "selfNet");
    this.selfPid = Objects.requireNonNull(selfPid, "selfPid");
    this.hostNet = Objects.requireNonNull(hostNet, "hostNet");
    this.netnsDir = Objects.requireNonNull(netnsDir, "netnsDir");
  }

  /** The guard of this machine's real paths. */
  public static NamespaceGuard system() {
    return new NamespaceGuard(
        Path.of("/proc/self/ns/net"),
        Path.of("/proc/self/ns/pid"),
        Path.of("/proc/1/ns/net"),
        Path.of("/run/netns"));
  }

  /**
   * Why this process must not tune {@code target}, empty when it is inside it: {@link
   * NetworkNamespace#current()} means the host's namespace, a named one its {@code /run/netns}
   * entry.
   */
  public Optional<String> check(NetworkNamespace target) {
    Objects.requireNonNull(target, "target");
    Identity self;
    try {
      self = Identity.of(selfNet);
    } catch (IOException e) {
      return Optional.of("cannot identify this process's network namespace: " + e);
    }
    if (target.name().isPresent()) {
      String name = target.name().get();
      Path reference = netnsDir.resolve(name);
      try {
        if (self.equals(Identity.of(reference))) {
          return Optional.empty();
        }
      } catch (IOException e) {
        return Optional.of(
            "network namespace '" + name + "' cannot be identified at " + reference + ": " + e);
      }
      return Optional.of(
          "this process is not in network namespace '"
              + name
              + "' ("
              + selfNet
              + " differs from "
              + reference
              + "); start it with 'ip netns exec "
              + name
              + "': writes to /proc/sys/net always go to the namespace of the writing process");
    }
    if (self.inode() == INITIAL_NET_NS_INODE) {
      return Optional.empty();
    }
    boolean same;
    try {
      if (Identity.of(selfPid).inode() != INITIAL_PID_NS_INODE) {
        return Optional.of(
            "this process is not in the host's network namespace (inode "
                + self.inode()
                + ", not the initial one) or, on a kernel older than 6.18, cannot tell: it is not in"
                + " the host's PID namespace, so /proc/1 is not the host's init; run with"
                + " hostNetwork: true, and hostPID: true on kernels older than 6.18");
      }
      same = sameAsHost(self);
    } catch (IOException e) {
      return Optional.of(
          "cannot identify the host's network namespace at "
              + hostNet
              + ": "
              + e
              + "; run with hostPID: true");
    }
    if (same) {
      return Optional.empty();
    }
    return Optional.of(
        "this process is not in the host's network namespace ("
            + selfNet
            + " differs from "
            + hostNet
            + "); run with hostNetwork: true: a mounted host /proc does not redirect writes, "
            + "/proc/sys/net always belongs to the namespace of the writing process");
  }

  private boolean sameAsHost(Identity self) throws IOException {
    try {
      return self.equals(Identity.of(hostNet));
    } catch (AccessDeniedException e) {
      // No ptrace access to init (a process with CAP_NET_ADMIN alone): compare the namespaces'
      // own /proc/net entries, e.g. /proc/self/net/dev with /proc/1/net/dev.
      Path selfEntry = selfNet.getParent().getParent().resolve(PROC_NET_ENTRY);
      Path hostEntry = hostNet.getParent().getParent().resolve(PROC_NET_ENTRY);
      return Identity.of(selfEntry).equals(Identity.of(hostEntry));
    }
  }

  /**
   * Throws unless this process is inside {@code target}.
   *
   * @throws IllegalStateException with the reason
   */
  public void require(NetworkNamespace target) {
    check(target)
        .ifPresent(
            why -> {
              throw new IllegalStateException("refusing to tune " + target + ": " + why);
            });
  }

  private record Identity(Object device, long inode) {
    static Identity of(Path nsFile) throws IOException {
      return new Identity(
          Files.getAttribute(nsFile, "unix:dev"), (Long) Files.getAttribute(nsFile, "unix:ino"));
    }
  }
}
