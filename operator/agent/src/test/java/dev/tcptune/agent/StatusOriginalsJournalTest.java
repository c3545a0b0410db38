package dev.tcptune.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tcptune.api.v1alpha1.OriginalValue;
import dev.tcptune.kernel.apply.RouteOriginal;
import dev.tcptune.kernel.apply.SettingOriginal;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StatusOriginalsJournalTest {

  @TempDir Path dir;
  private final List<ObjectNode> patches = new ArrayList<>();

  @Test
  void oneRecordIsOneStatusPatchAndOneFileWrite() {
    StatusOriginalsJournal journal = StatusOriginalsJournal.load(patches::add, file(), null);

    journal.recordAll(
        List.of(
            new SettingOriginal("net.core.somaxconn", "4096", "8192"),
            new SettingOriginal("net.ipv4.tcp_keepalive_time", "7200", "60")),
        List.of(new RouteOriginal("local/127.0.0.1/32/lo", OptionalInt.empty(), 20)));

    assertThat(patches).singleElement();
    assertThat(patches.get(0).path("originals")).hasSize(3);
    assertThat(patches.get(0).path("originals").get(2).path("original").asText())
        .isEqualTo("unset");
    StatusOriginalsJournal reloaded = StatusOriginalsJournal.load(s -> true, file(), null);
    assertThat(reloaded.settings()).hasSize(2);
    assertThat(reloaded.routes()).hasSize(1);
  }

  @Test
  void aNewLastWrittenAloneGoesToTheFileOnly() {
    StatusOriginalsJournal journal = StatusOriginalsJournal.load(patches::add, file(), null);
    journal.recordAll(
        List.of(new SettingOriginal("net.core.somaxconn", "4096", "8192")), List.of());

    journal.recordAll(List.of(new SettingOriginal("net.core.somaxconn", "1", "16384")), List.of());

    assertThat(patches).singleElement();
    StatusOriginalsJournal reloaded = StatusOriginalsJournal.load(s -> true, file(), null);
    assertThat(reloaded.settings())
        .containsExactly(new SettingOriginal("net.core.somaxconn", "4096", "16384"));

    journal.recordAll(
        List.of(new SettingOriginal("net.ipv4.tcp_keepalive_time", "7200", "60")), List.of());
    assertThat(patches).hasSize(2);
    assertThat(patches.get(1).path("originals")).hasSize(2);
  }

  @Test
  void aFailedStatusWriteRecordsNothing() {
    StatusOriginalsJournal journal =
        StatusOriginalsJournal.load(
            s -> {
              throw new IllegalStateException("API server unreachable");
            },
            file(),
            null);

    assertThatThrownBy(
            () ->
                journal.recordAll(
                    List.of(new SettingOriginal("net.core.somaxconn", "4096", "8192")), List.of()))
        .hasMessageContaining("unreachable");
    assertThat(journal.settings()).isEmpty();
    assertThat(file()).doesNotExist();
  }

  @Test
  void statusEntriesCompleteTheFileAndHostileOnesAreDropped() {
    StatusOriginalsJournal.load(patches::add, file(), null)
        .recordAll(List.of(new SettingOriginal("net.core.somaxconn", "4096", "8192")), List.of());

    StatusOriginalsJournal journal =
        StatusOriginalsJournal.load(
            s -> true,
            file(),
            List.of(
                OriginalValue.builder()
                    .key("net.core.somaxconn")
                    .original("1")
                    .written("8192")
                    .build(),
                OriginalValue.builder()
                    .key("net.ipv4.tcp_fin_timeout")
                    .original("60")
                    .written("30")
                    .build(),
                OriginalValue.builder()
                    .key("kernel.core_pattern")
                    .original("|/bin/sh -c id")
                    .written("core")
                    .build(),
                OriginalValue.builder()
                    .route("main/0.0.0.0/0/eth0")
                    .original("x")
                    .written("1")
                    .build()));

    assertThat(journal.settings())
        .containsExactly(
            new SettingOriginal("net.core.somaxconn", "4096", "8192"),
            new SettingOriginal("net.ipv4.tcp_fin_timeout", "60", "30"));
    assertThat(journal.routes()).isEmpty();
  }

  private Path file() {
    return dir.resolve("state/originals.json");
  }
}
