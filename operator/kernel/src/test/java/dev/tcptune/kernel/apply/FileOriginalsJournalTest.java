package dev.tcptune.kernel.apply;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileOriginalsJournalTest {

  @TempDir Path dir;

  @Test
  void survivesReopenAndKeepsTheFirstOriginal() throws Exception {
    Path file = dir.resolve("sub/originals.json");
    FileOriginalsJournal journal = new FileOriginalsJournal(file);
    journal.record("net.core.somaxconn", "4096");
    journal.record("net.core.somaxconn", "8192");
    journal.record("net.ipv4.ip_local_port_range", "32768 60999");
    journal.recordRoute("local/127.0.0.1/32/lo", OptionalInt.empty());
    journal.recordRoute("main/0.0.0.0/0/eth0", OptionalInt.of(50));

    FileOriginalsJournal reopened = new FileOriginalsJournal(file);
    assertThat(reopened.originals())
        .containsExactly(
            java.util.Map.entry("net.core.somaxconn", "4096"),
            java.util.Map.entry("net.ipv4.ip_local_port_range", "32768 60999"));
    assertThat(reopened.routeOriginal("local/127.0.0.1/32/lo").orElseThrow().rtoMinMillis())
        .isEmpty();
    assertThat(reopened.routeOriginal("main/0.0.0.0/0/eth0").orElseThrow().rtoMinMillis())
        .hasValue(50);

    reopened.forget("net.core.somaxconn");
    reopened.forgetRoute("main/0.0.0.0/0/eth0");
    FileOriginalsJournal third = new FileOriginalsJournal(file);
    assertThat(third.originals()).containsOnlyKeys("net.ipv4.ip_local_port_range");
    assertThat(third.routeOriginals()).hasSize(1);
    try (var files = Files.list(file.getParent())) {
      assertThat(files).containsExactly(file);
    }
  }
}
