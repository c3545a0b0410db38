package dev.tcptune.agent;

import dev.tcptune.kernel.exec.CommandResult;
import dev.tcptune.kernel.exec.CommandRunner;
import dev.tcptune.kernel.exec.ProcessCommandRunner;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The mounts of the agent's container without a container runtime: a mount namespace of its own
 * (kept in a file, so that several commands can enter it) in which {@code /proc/sys} is read-only,
 * as runtimes mount it, and {@code /proc/sys/net} is bind-mounted writable at {@link #procSys()}
 * {@code /net}, as the DaemonSet's hostPath volume does. The bind mount is made from the host's
 * network namespace, like the kubelet's; a process started in a node's namespace still sees that
 * namespace's values through it, because procfs resolves {@code net} entries for the process that
 * looks them up.
 *
 * <p>Nothing here changes the host's mounts except a private bind mount of the test's own directory
 * (needed to hold the namespace file), removed by {@link #close()}.
 */
final class AgentContainer implements AutoCloseable {

  private final CommandRunner runner = new ProcessCommandRunner(Duration.ofSeconds(20));
  private final Path dir;
  private final Path mountNs;
  private final Path procSys;
  private final List<Path> mounted = new ArrayList<>();

  AgentContainer(Path dir) throws IOException {
    this.dir = Files.createDirectories(dir);
    this.mountNs = dir.resolve("mnt");
    this.procSys = dir.resolve("proc-sys");
    Files.createDirectories(procSys.resolve("net"));
    Files.writeString(mountNs, "");
    try {
      // `unshare --mount=FILE` needs FILE on a mount that is not shared.
      host("mount", "--bind", dir.toString(), dir.toString());
      mounted.add(0, dir);
      host("mount", "--make-private", dir.toString());
      host("unshare", "--mount=" + mountNs, "--propagation", "private", "true");
      mounted.add(0, mountNs);
      inside("mount", "--bind", "/proc/sys/net", procSys.resolve("net").toString());
      inside("mount", "--bind", "/proc/sys", "/proc/sys");
      inside("mount", "-o", "remount,bind,ro", "/proc/sys");
    } catch (RuntimeException e) {
      close();
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
    List<String> argv =
        new ArrayList<>(
            List.of("nsenter", "--mount=" + mountNs, "--net=/run/netns/" + netns, "setpriv"));
    argv.addAll(setprivOptions);
    argv.add("--");
    return argv;
  }

  /** Runs {@code argv} in this container's mounts (with every capability). */
  CommandResult run(String... argv) {
    List<String> command = new ArrayList<>(List.of("nsenter", "--mount=" + mountNs));
    command.addAll(List.of(argv));
    return runner.run(command);
  }

  private void inside(String... argv) {
    run(argv).orThrow();
  }

  private void host(String... argv) {
    runner.run(List.of(argv)).orThrow();
  }

  @Override
  public void close() {
    // The namespace itself goes when its last process exits.
    for (Path mount : mounted) {
      runner.run(List.of("umount", "--lazy", mount.toString()));
    }
    mounted.clear();
  }
}
