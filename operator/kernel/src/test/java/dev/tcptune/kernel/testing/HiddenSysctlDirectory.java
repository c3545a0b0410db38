package dev.tcptune.kernel.testing;

import dev.tcptune.kernel.exec.ProcessCommandRunner;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

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

  private final PersistentMountNamespace mounts;
  private final String netns;

  private HiddenSysctlDirectory(String netns, PersistentMountNamespace mounts) {
    this.netns = netns;
    this.mounts = mounts;
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
    PersistentMountNamespace mounts = PersistentMountNamespace.create();
    try {
      new ProcessCommandRunner(Duration.ofSeconds(20))
          .run(
              mounts.enter(
                  List.of("--net=/run/netns/" + netns.name()),
                  List.of(
                      "mount",
                      "-t",
                      "tmpfs",
                      "-o",
                      "ro,size=4k",
                      "tcptune-hidden",
                      sysctlDir.toString())))
          .orThrow();
      return new HiddenSysctlDirectory(netns.name(), mounts);
    } catch (RuntimeException e) {
      mounts.close();
      throw e;
    }
  }

  /**
   * {@code argv} as run inside the network namespace and the mount namespace that hides the
   * directory ({@code ip netns exec} semantics kept: it runs inside the mount namespace).
   */
  public List<String> wrap(List<String> argv) {
    List<String> inNetns = new ArrayList<>(List.of("ip", "netns", "exec", netns));
    inNetns.addAll(argv);
    return mounts.enter(List.of(), inNetns);
  }

  @Override
  public void close() {
    mounts.close();
  }
}
