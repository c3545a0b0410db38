package dev.tcptune.kernel.apply;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileOriginalsJournalTest {

  @TempDir Path dir;

  @Test
  void survivesReopenAndKeepsTheFirstOriginal() throws Exception {
    Path file = dir.resolve("sub/originals.json");
    FileOriginalsJournal journal = new FileOriginalsJournal(file);
    journal.recordAll(
        List.of(
            new SettingOriginal("net.core.somaxconn", "4096", "8192"),
            new SettingOriginal("net.ipv4.ip_local_port_range", "32768 60999", "10240 65000")),
        List.of(
            new RouteOriginal("local/127.0.0.1/32/lo", OptionalInt.empty(), 20),
            new RouteOriginal("main/0.0.0.0/0/eth0", OptionalInt.of(50), 30)));
    journal.recordAll(
        List.of(new SettingOriginal("net.core.somaxconn", "8192", "16384")), List.of());

    FileOriginalsJournal reopened = new FileOriginalsJournal(file);
    assertThat(reopened.settings())
        .containsExactly(
            new SettingOriginal("net.core.somaxconn", "4096", "16384"),
            new SettingOriginal("net.ipv4.ip_local_port_range", "32768 60999", "10240 65000"));
    assertThat(reopened.routes())
        .containsExactly(
            new RouteOriginal("local/127.0.0.1/32/lo", OptionalInt.empty(), 20),
            new RouteOriginal("main/0.0.0.0/0/eth0", OptionalInt.of(50), 30));

    reopened.forgetAll(List.of("net.core.somaxconn"), List.of("main/0.0.0.0/0/eth0"));
    FileOriginalsJournal third = new FileOriginalsJournal(file);
    assertThat(third.settings())
        .extracting(SettingOriginal::key)
        .containsExactly("net.ipv4.ip_local_port_range");
    assertThat(third.routes()).hasSize(1);
    try (var files = Files.list(file.getParent())) {
      assertThat(files).containsExactly(file);
    }
  }

  @Test
  void aJournalOfTheOldFormatIsRefusedNotHalfRead() throws Exception {
    Path file =
        Files.writeString(
            dir.resolve("old.json"), "{\"sysctls\": {\"net.core.somaxconn\": \"4096\"}}");
    assertThatThrownBy(() -> new FileOriginalsJournal(file))
        .hasMessageContaining("net.core.somaxconn")
        .hasMessageContaining("'original'");
  }
}
