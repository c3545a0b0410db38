package dev.tcptune.kernel.exec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tcptune.kernel.sysctl.ProcSysctlStore;
import dev.tcptune.kernel.sysctl.SysctlWriteException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ExecAndSysctlTest {

  @TempDir Path root;

  @Test
  void namespaceNamesAreStrictAndArgvIsWrapped() {
    assertThat(NetworkNamespace.named("tcpt-ab_1").wrap(List.of("ss", "-ltn")))
        .containsExactly("ip", "netns", "exec", "tcpt-ab_1", "ss", "-ltn");
    assertThat(NetworkNamespace.current().wrap(List.of("ss"))).containsExactly("ss");
    for (String bad : List.of("../etc", "a b", "", "x;rm", ".hidden", "a/b")) {
      assertThatThrownBy(() -> NetworkNamespace.named(bad))
          .as(bad)
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("allowed");
    }
  }

  @Test
  void runnerCapturesOutputStdinAndExitCode() {
    ProcessCommandRunner runner = new ProcessCommandRunner(Duration.ofSeconds(5));
    CommandResult cat = runner.run(List.of("cat"), "hello");
    assertThat(cat.stdout()).isEqualTo("hello");
    CommandResult failing = runner.run(List.of("ls", "/nonexistent-tcptune"));
    assertThat(failing.exitCode()).isNotZero();
    assertThatThrownBy(failing::orThrow)
        .hasMessageContaining("ls /nonexistent-tcptune")
        .hasMessageContaining("No such file");
    assertThatThrownBy(() -> runner.run(List.of("no-such-binary-tcptune")))
        .isInstanceOf(CommandFailedException.class);
  }

  @Test
  void runnerKillsOnTimeout() {
    ProcessCommandRunner runner = new ProcessCommandRunner(Duration.ofMillis(200));
    assertThatThrownBy(() -> runner.run(List.of("sleep", "5"))).hasMessageContaining("timed out");
  }

  @Test
  void procStoreRootedAtADirectory() throws Exception {
    Files.createDirectories(root.resolve("net/ipv4"));
    Files.writeString(root.resolve("net/ipv4/ip_local_port_range"), "32768\t60999\n");
    ProcSysctlStore store = ProcSysctlStore.rootedAt(root);
    assertThat(store.read("net.ipv4.ip_local_port_range")).hasValue("32768 60999");
    assertThat(store.read("net.ipv4.tcp_nothing")).isEmpty();
    store.write("net.ipv4.ip_local_port_range", "1024  65535");
    assertThat(store.read("net.ipv4.ip_local_port_range")).hasValue("1024 65535");
    assertThatThrownBy(() -> store.write("net.ipv4.tcp_nothing", "1"))
        .isInstanceOf(SysctlWriteException.class)
        .hasMessageContaining("net.ipv4.tcp_nothing")
        .hasMessageContaining("'1'")
        .hasMessageContaining("does not exist");
    assertThat(root.resolve("net/ipv4/tcp_nothing")).doesNotExist();
    assertThatThrownBy(() -> store.read("../../etc/passwd"))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
