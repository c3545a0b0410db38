package dev.tcptune.cli;

import dev.tcptune.demo.Demo;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/** {@code tcptune demo}: the whole system on this machine, no cluster needed (root only). */
@Command(
    name = "demo",
    mixinStandardHelpOptions = true,
    description = {
      "Run tcptune end to end on this machine, no cluster needed: a real kube-apiserver + etcd"
          + " (built by hack/ on first use), three simulated nodes (a Node object and a network"
          + " namespace each, with an agent inside), the operator and the profiles of examples/;"
          + " then a drift is corrected and the profiles are deleted, restoring every original.",
      "Changes nothing on the host: all tuning happens in the demo's own network namespaces,"
          + " which it deletes with everything else it made at the end or on Ctrl-C. Needs root."
    })
public final class DemoCommand implements Callable<Integer> {

  @Override
  public Integer call() throws Exception {
    if (!isRoot()) {
      System.err.println(
          "tcptune demo needs root: it creates network namespaces (ip netns add) and its agents"
              + " write sysctls inside them; run it with sudo (the host's own settings are not"
              + " touched)");
      return TcpTuneCommand.ERROR;
    }
    // The operator and the client log at info; the demo's own lines tell the story.
    System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "error");
    Demo demo = new Demo(System.out);
    Thread onSignal = new Thread(demo::close, "demo-cleanup");
    Runtime.getRuntime().addShutdownHook(onSignal);
    try {
      demo.run();
      return TcpTuneCommand.IN_SYNC;
    } finally {
      demo.close();
    }
  }

  static boolean isRoot() {
    try {
      return Integer.valueOf(0).equals(Files.getAttribute(Path.of("/proc/self"), "unix:uid"));
    } catch (Exception e) {
      return false;
    }
  }
}
