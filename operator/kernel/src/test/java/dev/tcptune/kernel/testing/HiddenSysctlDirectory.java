package dev.tcptune.kernel.testing;

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
 * A kernel that lacks some sysctls, as an older or differently built node's kernel does, for one
 * network namespace and only for processes started through {@link #wrap}: a persistent mount
 * namespace in which an empty read-only tmpfs covers one directory of that network namespace's
 * {@code /proc/sys} (for example {@code net/core}, which holds {@code somaxconn}).
 *
 * <p>Why it works: a {@code /proc/sys/net} directory is a different dentry in each network
 * namespace, and the mount is made from inside the target namespace, so it hides the directory from
 * that namespace only; the host, the namespace seen outside this mount namespace, and every other
 * test keep their view. {@link #close()} unmounts everything; the mount namespace dies with its
 * last process.
 */
public final class HiddenSysctlDirectory implements AutoCloseable {

  private final CommandRunner runner = new ProcessCommandRunner(Duration.ofSeconds(20));
  private final Path dir;
  private final Path mountNamespace;
  private final String netns;

  private HiddenSysctlDirectory(String netns, Path dir) {
    this.netns = netns;
    this.dir = dir;
    this.mountNamespace = dir.resolve("mnt");
  }

  /**
   * Hides {@code /proc/sys/<relativeDir>} from processes that {@link #wrap} starts in {@code
   * netns}.
   */
  public static HiddenSysctlDirectory hide(TestNetns netns, String relativeDir) throws IOException {
    Path sysctlDir = Path.of("/proc/sys").resolve(relativeDir).normalize();
    if (!sysctlDir.startsWith("/proc/sys/net/")) {
      throw new IllegalArgumentException("only /proc/sys/net directories: " + relativeDir);
    }
    Path dir = Path.of("/run", "tcpt-mnt-" + UUID.randomUUID().toString().substring(0, 8));
    Files.createDirectories(dir);
    HiddenSysctlDirectory hidden = new HiddenSysctlDirectory(netns.name(), dir);
    try {
      // A persistent mount namespace is bound to a file on a private mount.
      hidden.run("mount", "--bind", dir.toString(), dir.toString());
      hidden.run("mount", "--make-private", dir.toString());
      Files.createFile(hidden.mountNamespace);
      hidden.run("unshare", "--mount=" + hidden.mountNamespace, "--propagation", "private", "true");
      hidden.run(
          "nsenter",
          "--mount=" + hidden.mountNamespace,
          "--net=/run/netns/" + netns.name(),
          "mount",
          "-t",
          "tmpfs",
          "-o",
          "ro,size=4k",
          "tcptune-hidden",
          sysctlDir.toString());
      return hidden;
    } catch (RuntimeException e) {
      hidden.close();
      throw e;
    }
  }

  /**
   * {@code argv} as run inside the network namespace and the mount namespace that hides the
   * directory ({@code ip netns exec} semantics kept: it runs inside the mount namespace).
   */
  public List<String> wrap(List<String> argv) {
    List<String> wrapped =
        new ArrayList<>(
            List.of("nsenter", "--mount=" + mountNamespace, "ip", "netns", "exec", netns));
    wrapped.addAll(argv);
    return wrapped;
  }

  @Override
  public void close() {
    runner.run(List.of("umount", mountNamespace.toString()));
    runner.run(List.of("umount", dir.toString()));
    try {
      Files.deleteIfExists(mountNamespace);
      Files.deleteIfExists(dir);
    } catch (IOException e) {
      throw new IllegalStateException("cannot remove " + dir, e);
    }
  }

  private void run(String... argv) {
    runner.run(List.of(argv)).orThrow();
  }
}
