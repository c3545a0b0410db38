package dev.tcptune.kernel.testing;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.tcptune.kernel.exec.CommandResult;
import dev.tcptune.kernel.exec.CommandRunner;
import dev.tcptune.kernel.exec.NetworkNamespace;
import dev.tcptune.kernel.exec.ProcessCommandRunner;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A JUnit extension that gives each test its own network namespace ({@code tcpt-<random>}, lo up)
 * and always removes it afterwards, with every veth and process it created, also when the test
 * fails. Skips the test (assumption) unless running as root with {@code ip} available.
 *
 * <pre>{@code @RegisterExtension final TestNetns netns = new TestNetns();}</pre>
 *
 * <p>{@link #perClass()} on a static field gives one namespace to every test of the class (for slow
 * fixtures such as an agent process per namespace), removed after the last test:
 *
 * <pre>{@code @RegisterExtension static final TestNetns node = TestNetns.perClass();}</pre>
 */
public final class TestNetns
    implements BeforeAllCallback, AfterAllCallback, BeforeEachCallback, AfterEachCallback {

  private final CommandRunner runner = new ProcessCommandRunner(Duration.ofSeconds(20));
  private final List<Process> processes = new ArrayList<>();
  private final List<String> hostLinks = new ArrayList<>();
  private final boolean perClass;
  private String name;

  /** A namespace per test. */
  public TestNetns() {
    this(false);
  }

  private TestNetns(boolean perClass) {
    this.perClass = perClass;
  }

  /** One namespace for all tests of a class; register it on a static field. */
  public static TestNetns perClass() {
    return new TestNetns(true);
  }

  /** True when kernel tests can run here: root and {@code ip}. */
  public static boolean available() {
    try {
      Object uid = Files.getAttribute(Path.of("/proc/self"), "unix:uid");
      return Integer.valueOf(0).equals(uid)
          && (Files.isExecutable(Path.of("/usr/sbin/ip"))
              || Files.isExecutable(Path.of("/sbin/ip"))
              || Files.isExecutable(Path.of("/usr/bin/ip")));
    } catch (Exception e) {
      return false;
    }
  }

  @Override
  public void beforeAll(ExtensionContext context) {
    if (perClass) {
      create();
    }
  }

  @Override
  public void afterAll(ExtensionContext context) {
    if (perClass) {
      delete();
    }
  }

  @Override
  public void beforeEach(ExtensionContext context) {
    if (!perClass) {
      create();
    }
  }

  @Override
  public void afterEach(ExtensionContext context) {
    if (!perClass) {
      delete();
    }
  }

  private void create() {
    if (System.getenv("TCPTUNE_REQUIRE_KERNEL_TESTS") != null) {
      // CI sets this: a kernel test that cannot run there is a failure, not a silent skip.
      if (!available()) {
        throw new IllegalStateException(
            "TCPTUNE_REQUIRE_KERNEL_TESTS is set but kernel tests cannot run: need root and iproute2");
      }
    }
    assumeTrue(available(), "kernel tests need root and iproute2");
    name = "tcpt-" + UUID.randomUUID().toString().substring(0, 8);
    runner.run(List.of("ip", "netns", "add", name)).orThrow();
    exec("ip", "link", "set", "lo", "up");
  }

  private void delete() {
    if (name == null) {
      return;
    }
    List<String> problems = new ArrayList<>();
    for (Process p : processes) {
      p.descendants().forEach(ProcessHandle::destroyForcibly);
      p.destroyForcibly();
      try {
        if (!p.waitFor(10, TimeUnit.SECONDS)) {
          problems.add("process " + p.pid() + " did not exit");
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    processes.clear();
    for (String link : hostLinks) {
      runner.run(
          List.of("ip", "link", "del", link)); // already gone when the namespace took it down
    }
    hostLinks.clear();
    CommandResult pids = runner.run(List.of("ip", "netns", "pids", name));
    for (String pid : pids.stdout().split("\\s+")) {
      if (!pid.isBlank()) {
        ProcessHandle.of(Long.parseLong(pid)).ifPresent(ProcessHandle::destroyForcibly);
      }
    }
    CommandResult del = runner.run(List.of("ip", "netns", "del", name));
    if (!del.succeeded()) {
      problems.add(del.stderr());
    }
    name = null;
    if (!problems.isEmpty()) {
      throw new IllegalStateException("cleanup of test namespace: " + problems);
    }
  }

  /** The {@code ip netns} name. */
  public String name() {
    return name;
  }

  /** This namespace as the kernel layer targets it. */
  public NetworkNamespace namespace() {
    return NetworkNamespace.named(name);
  }

  /** A command runner (argv only, with timeout). */
  public CommandRunner runner() {
    return runner;
  }

  /** Runs {@code argv} inside the namespace and requires success. */
  public CommandResult exec(String... argv) {
    return runner.run(namespace().wrap(List.of(argv))).orThrow();
  }

  /** Starts a long-running process inside the namespace; it is killed in cleanup. */
  public Process start(List<String> argv) {
    try {
      Process p = new ProcessBuilder(namespace().wrap(argv)).redirectErrorStream(true).start();
      processes.add(p);
      return p;
    } catch (java.io.IOException e) {
      throw new IllegalStateException("cannot start " + argv, e);
    }
  }

  /** Starts {@link NetnsPeer} with {@code args} inside the namespace. */
  public Process startPeer(String... args) {
    List<String> argv =
        new ArrayList<>(
            List.of(
                javaBinary(),
                "-Djava.net.preferIPv4Stack=true",
                "-XX:TieredStopAtLevel=1",
                "-cp",
                peerClasspath(),
                NetnsPeer.class.getName()));
    argv.addAll(List.of(args));
    return start(argv);
  }

  /**
   * Creates a veth pair: one end on the host (no address), one end moved into the namespace with
   * {@code nsAddressCidr}, both up. Returns the namespace end's name. The pair is deleted in
   * cleanup.
   */
  public String addVeth(String nsAddressCidr) {
    String id = Integer.toHexString(ThreadLocalRandom.current().nextInt(0x100000, 0xFFFFFF));
    String host = "tv" + id + "h";
    String inside = "tv" + id + "n";
    runner
        .run(List.of("ip", "link", "add", host, "type", "veth", "peer", "name", inside))
        .orThrow();
    hostLinks.add(host);
    runner.run(List.of("ip", "link", "set", inside, "netns", name)).orThrow();
    runner.run(List.of("ip", "link", "set", host, "up")).orThrow();
    exec("ip", "addr", "add", nsAddressCidr, "dev", inside);
    exec("ip", "link", "set", inside, "up");
    return inside;
  }

  private static String javaBinary() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }

  private static String peerClasspath() {
    try {
      return new File(NetnsPeer.class.getProtectionDomain().getCodeSource().getLocation().toURI())
          .getPath();
    } catch (java.net.URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }
}
