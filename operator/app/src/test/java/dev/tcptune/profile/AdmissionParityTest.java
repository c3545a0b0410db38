package dev.tcptune.profile;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
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

  @ParameterizedTest
  @MethodSource("bad")
  void refusedByTheApiServerIsRefusedHere(Path file) {
    assertThatThrownBy(() -> files.load(file.toString()))
        .isInstanceOf(ProfileFileException.class)
        .hasMessageStartingWith(file + ": ");
  }

  @ParameterizedTest
  @MethodSource("good")
  void acceptedByTheApiServerIsAcceptedHere(Path file) {
    assertThatCode(() -> files.load(file.toString())).doesNotThrowAnyException();
  }
}
