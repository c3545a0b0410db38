package dev.tcptune.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code target/tcptune} launcher as users run it: the same output and exit code as {@code java
 * -jar}, a class-data archive made by the first run of a command and mapped by the next ones,
 * archives of an older build of a jar dropped (and one per jar path kept), and nothing in the way
 * when the archive cannot be written.
 */
class LauncherIT {

  private static final Path LAUNCHER = Path.of("target/tcptune").toAbsolutePath();
  private static final Path JAR = Path.of("target/tcptune.jar").toAbsolutePath();
  private static final Path EXAMPLE =
      Path.of("../../examples/busy-listener.yaml").toAbsolutePath().normalize();

  @TempDir Path cache;

  record Run(int exit, String stdout, String stderr) {}

  @Test
  void firstRunArchivesTheCommandAndLaterRunsMapIt() throws Exception {
    Run plain = run(List.of("java", "-jar", JAR.toString(), "explain", "-f", EXAMPLE.toString()));
    assertThat(plain.exit()).as(plain.stderr()).isZero();

    Run first = launcher(Map.of(), "explain", "-f", EXAMPLE.toString());
    assertThat(first.exit()).as(first.stderr()).isZero();
    assertThat(first.stdout()).isEqualTo(plain.stdout());
    assertThat(first.stderr()).isEqualTo(plain.stderr());
    assertThat(archives()).singleElement().asString().endsWith("-explain.jsa");

    Path log = cache.resolve("classes.log");
    Run second =
        launcher(
            Map.of("JAVA_OPTS", "-Xlog:class+load:file=" + log),
            "explain",
            "-f",
            EXAMPLE.toString());
    assertThat(second.stdout()).isEqualTo(plain.stdout());
    List<String> loaded = Files.readAllLines(log);
    long shared = loaded.stream().filter(l -> l.contains("shared objects file (top)")).count();
    assertThat(shared)
        .as("classes of the application mapped from the archive")
        .isGreaterThan(loaded.size() / 3);
  }

  @Test
  void exitCodesAndStandardErrorPassThrough() throws Exception {
    Run plain = run(List.of("java", "-jar", JAR.toString(), "explain", "--no-such-option"));
    Run first = launcher(Map.of(), "explain", "--no-such-option");
    Run second = launcher(Map.of(), "explain", "--no-such-option");
    assertThat(plain.exit()).isEqualTo(2);
    assertThat(first).isEqualTo(plain);
    assertThat(second).isEqualTo(plain);
  }

  @Test
  void anotherBuildOfTheJarGetsItsOwnArchiveAndTheOldOneGoes() throws Exception {
    Path jarCopy = cache.resolve("tcptune.jar");
    Files.copy(JAR, jarCopy);
    Map<String, String> env = Map.of("TCPTUNE_JAR", jarCopy.toString());
    launcher(env, "explain", "-f", EXAMPLE.toString());
    List<Path> before = archives();
    assertThat(before).hasSize(1);

    Files.setLastModifiedTime(jarCopy, FileTime.from(Instant.now().plusSeconds(60)));
    launcher(env, "explain", "-f", EXAMPLE.toString());
    assertThat(archives()).hasSize(1).doesNotContainAnyElementsOf(before);
  }

  @Test
  void twoJarsAtTwoPathsKeepAnArchiveEach() throws Exception {
    Path other = Files.createDirectories(cache.resolve("release")).resolve("tcptune.jar");
    Files.copy(JAR, other);
    Files.setLastModifiedTime(other, FileTime.from(Instant.now().minusSeconds(3600)));
    launcher(Map.of(), "explain", "-f", EXAMPLE.toString());
    launcher(Map.of("TCPTUNE_JAR", other.toString()), "explain", "-f", EXAMPLE.toString());
    List<Path> both = archives();
    assertThat(both).hasSize(2);
    Map<Path, Object> made = new java.util.HashMap<>();
    for (Path archive : both) {
      made.put(archive, Files.readAttributes(archive, "unix:ino,lastModifiedTime"));
    }

    // Taking turns, each maps its own archive: neither is made again (each made one replaced
    // the other's).
    launcher(Map.of(), "explain", "-f", EXAMPLE.toString());
    launcher(Map.of("TCPTUNE_JAR", other.toString()), "explain", "-f", EXAMPLE.toString());
    assertThat(archives()).isEqualTo(both);
    for (Path archive : both) {
      assertThat((Object) Files.readAttributes(archive, "unix:ino,lastModifiedTime"))
          .isEqualTo(made.get(archive));
    }
  }

  @Test
  void withoutAWritableCacheOrWithCdsOffItStillRuns() throws Exception {
    Run off = launcher(Map.of("TCPTUNE_CDS", "off"), "explain", "-f", EXAMPLE.toString());
    assertThat(off.exit()).isZero();
    assertThat(archives()).isEmpty();

    Path file = Files.writeString(cache.resolve("not-a-directory"), "");
    Run noCache =
        run(
            List.of(LAUNCHER.toString(), "explain", "-f", EXAMPLE.toString()),
            Map.of("XDG_CACHE_HOME", file.toString()));
    assertThat(noCache.exit()).as(noCache.stderr()).isZero();
    assertThat(noCache.stdout()).isEqualTo(off.stdout());
  }

  private List<Path> archives() throws IOException {
    Path dir = cache.resolve("tcptune");
    if (!Files.isDirectory(dir)) {
      return List.of();
    }
    try (Stream<Path> files = Files.list(dir)) {
      return files.filter(p -> p.toString().endsWith(".jsa")).sorted().toList();
    }
  }

  private Run launcher(Map<String, String> env, String... args) throws Exception {
    Map<String, String> all = new java.util.HashMap<>(env);
    all.put("XDG_CACHE_HOME", cache.toString());
    List<String> command = new java.util.ArrayList<>(List.of(LAUNCHER.toString()));
    command.addAll(List.of(args));
    return run(command, all);
  }

  private static Run run(List<String> command) throws Exception {
    return run(command, Map.of());
  }

  private static Run run(List<String> command, Map<String, String> env) throws Exception {
    ProcessBuilder builder = new ProcessBuilder(command);
    builder.environment().remove("JAVA_OPTS");
    builder.environment().remove("TCPTUNE_JAR");
    builder.environment().putAll(env);
    Process process = builder.start();
    var stderr = process.getErrorStream();
    String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    String err = new String(stderr.readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
    return new Run(process.exitValue(), out, err);
  }
}
