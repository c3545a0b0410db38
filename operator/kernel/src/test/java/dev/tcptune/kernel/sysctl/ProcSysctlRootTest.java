package dev.tcptune.kernel.sysctl;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Which directories the agent may write as /proc/sys. */
class ProcSysctlRootTest {

  @TempDir Path dir;

  @Test
  void aTestDirectoryShapedLikeProcSysIsNotProcfs() throws Exception {
    Files.createDirectories(dir.resolve("net/core"));
    Files.writeString(dir.resolve("net/core/somaxconn"), "4096\n");
    assertThat(ProcSysctlStore.checkWritableRoot(dir))
        .hasValueSatisfying(why -> assertThat(why).contains("not procfs"));
  }

  @Test
  void otherDirectoriesAndRelativePathsAreRefused() {
    assertThat(ProcSysctlStore.checkWritableRoot(dir))
        .hasValueSatisfying(
            why ->
                assertThat(why)
                    .contains("holds neither net/core/somaxconn nor net/ipv4/tcp_fin_timeout"));
    assertThat(ProcSysctlStore.checkWritableRoot(Path.of("proc/sys")))
        .hasValueSatisfying(why -> assertThat(why).contains("not an absolute path"));
    assertThat(ProcSysctlStore.checkWritableRoot(Path.of("/proc")))
        .hasValueSatisfying(
            why ->
                assertThat(why)
                    .contains("holds neither net/core/somaxconn nor net/ipv4/tcp_fin_timeout"));
  }

  @Test
  void procSysIsAcceptedWhereThisProcessMayWriteIt() {
    // Read-only only in containers; where tests run as root it is writable (a read-only mount is
    // covered by LeastPrivilegeAgentIT).
    if (Files.isWritable(Path.of("/proc/sys/net/core/somaxconn"))) {
      assertThat(ProcSysctlStore.checkWritableRoot(Path.of("/proc/sys"))).isEmpty();
    } else {
      assertThat(ProcSysctlStore.checkWritableRoot(Path.of("/proc/sys")))
          .hasValueSatisfying(why -> assertThat(why).contains("is not writable"));
    }
  }
}
