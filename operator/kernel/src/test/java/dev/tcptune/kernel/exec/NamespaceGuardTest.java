package dev.tcptune.kernel.exec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Namespace identity by device and inode, on stand-in files (hard links share an inode). */
class NamespaceGuardTest {

  @TempDir Path dir;
  private Path self;
  private Path pid;
  private Path netns;

  @BeforeEach
  void files() throws Exception {
    self = Files.writeString(dir.resolve("self-net"), "");
    pid = Files.writeString(dir.resolve("self-pid"), "");
    netns = Files.createDirectory(dir.resolve("netns"));
  }

  private NamespaceGuard guard(Path host) {
    return new NamespaceGuard(self, pid, host, netns);
  }

  @Test
  void namedNamespaceIsAcceptedOnlyWhenItIsTheSameInode() throws Exception {
    Files.createLink(netns.resolve("node-a"), self);
    Files.writeString(netns.resolve("node-b"), "");

    assertThat(guard(self).check(NetworkNamespace.named("node-a"))).isEmpty();
    assertThat(guard(self).check(NetworkNamespace.named("node-b")))
        .hasValueSatisfying(
            why ->
                assertThat(why)
                    .contains("not in network namespace 'node-b'", "ip netns exec node-b"));
    assertThat(guard(self).check(NetworkNamespace.named("node-c")))
        .hasValueSatisfying(why -> assertThat(why).contains("'node-c' cannot be identified"));
    assertThatThrownBy(() -> guard(self).require(NetworkNamespace.named("node-b")))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("refusing to tune netns:node-b");
  }

  @Test
  void hostModeNeedsTheInitialPidNamespace() {
    // A stand-in file is not the initial PID namespace: /proc/1 would be the pod's own init.
    assertThat(guard(self).check(NetworkNamespace.current()))
        .hasValueSatisfying(why -> assertThat(why).contains("hostPID: true"));
  }

  @Test
  void hostModeCannotIdentifyAMissingReference() {
    NamespaceGuard guard =
        new NamespaceGuard(self, Path.of("/proc/self/ns/pid"), dir.resolve("gone"), netns);
    // Only meaningful where this JVM runs in the initial PID namespace (a VM or a host, as in CI).
    assertThat(guard.check(NetworkNamespace.current()))
        .hasValueSatisfying(
            why -> assertThat(why).containsAnyOf("cannot identify the host's", "hostPID: true"));
  }
}
