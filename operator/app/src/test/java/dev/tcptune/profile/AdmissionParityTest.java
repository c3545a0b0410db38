package dev.tcptune.profile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tcptune.testing.Manifests;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The profile files that the real API server refuses (the admission corpus of
 * TcpProfileAdmissionIT) are refused by the CLI and operator's own validation too, and the ones it
 * accepts are accepted: a CRD installed without its rules must not let anything through that a
 * complete one would stop.
 */
class AdmissionParityTest {

  /** An error line that fits a terminal or two, however long the value in the file. */
  private static final int MAX_LINE = 1000;

  private final ProfileFiles files = new ProfileFiles();

  static Stream<Path> bad() throws IOException {
    return list("bad");
  }

  static Stream<Path> good() throws IOException {
    return list("good");
  }

  private static Stream<Path> list(String kind) throws IOException {
    try (Stream<Path> all = Files.list(Path.of("src/test/resources/admission", kind))) {
      return all.filter(p -> p.toString().endsWith(".yaml")).sorted().toList().stream();
    }
  }

  /**
   * Refused in one short line that names the field of the file's {@code # field:} line and holds
   * every {@code # cli-expect:} fragment (what is allowed).
   */
  @ParameterizedTest
  @MethodSource("bad")
  void refusedByTheApiServerIsRefusedHere(Path file) {
    List<String> field = Manifests.headerValues(file, "field");
    assertThat(field).as("%s must name the refused field in '# field:'", file).hasSize(1);

    assertThatThrownBy(() -> files.load(file.toString()))
        .isInstanceOf(ProfileFileException.class)
        .hasMessageStartingWith(file + ": ")
        .hasMessageContaining(field.get(0))
        .satisfies(
            e -> {
              assertThat(e.getMessage()).doesNotContain("\n").hasSizeLessThan(MAX_LINE);
              for (String fragment : Manifests.headerValues(file, "cli-expect")) {
                assertThat(e.getMessage()).contains(fragment);
              }
            });
  }

  @ParameterizedTest
  @MethodSource("good")
  void acceptedByTheApiServerIsAcceptedHere(Path file) {
    assertThatCode(() -> files.load(file.toString())).doesNotThrowAnyException();
  }
}
