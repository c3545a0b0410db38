package dev.tcptune.agent;

import dev.tcptune.kernel.exec.CommandResult;
import dev.tcptune.kernel.testing.PersistentMountNamespace;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The mounts of the agent's container without a container runtime: a mount namespace of its own in
 * which {@code /proc/sys} is read-only, as runtimes mount it, and {@code /proc/sys/net} is
 * bind-mounted writable at {@link #procSys()}{@code /net}, as the DaemonSet's hostPath volume does.
 * The bind mount is made from the host's network namespace, like the kubelet's; a process started
 * in a node's namespace still sees that namespace's values through it, because procfs resolves
 * {@code net} entries for the process that looks them up.
 */
final class AgentContainer implements AutoCloseable {

  private final PersistentMountNamespace mounts;
  private final Path procSys;

  AgentContainer(Path dir) throws IOException {
    this.procSys = dir.resolve("proc-sys");
    Files.createDirectories(procSys.resolve("net"));
    this.mounts = PersistentMountNamespace.create();
    try {
      run("mount", "--bind", "/proc/sys/net", procSys.resolve("net").toString()).orThrow();
      run("mount", "--bind", "/proc/sys", "/proc/sys").orThrow();
      run("mount", "-o", "remount,bind,ro", "/proc/sys").orThrow();
    } catch (RuntimeException e) {
      mounts.close();
      throw e;
    }
  }

  /** Where the agent finds the writable sysctls ({@code --proc-sys}). */
  Path procSys() {
    return procSys;
  }

  /**
   * The argv prefix that starts a process in this container's mounts, in network namespace {@code
   * netns}, with {@code setpriv} options (uid 0 keeps exactly the capabilities they leave).
   */
  List<String> launcher(String netns, List<String> setprivOptions) {
    List<String> setpriv = new ArrayList<>(List.of("setpriv"));
    setpriv.addAll(setprivOptions);
    setpriv.add("--");
    return mounts.enter(List.of("--net=/run/netns/" + netns), setpriv);
  }

  /** Runs {@code argv} in this container's mounts (with every capability). */
  CommandResult run(String... argv) {
    return mounts.run(argv);
  }

  @Override
  public void close() {
    mounts.close();
  }
}
