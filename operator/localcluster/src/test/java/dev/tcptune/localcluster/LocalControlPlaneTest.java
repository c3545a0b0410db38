package dev.tcptune.localcluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

class LocalControlPlaneTest {

  @Test
  void installsEveryCrdOfTheCheckout() throws IOException {
    try (Stream<Path> crds = Files.list(Path.of("../../crds"))) {
      assertThat(LocalControlPlane.CRD_FILES)
          .containsExactlyInAnyOrderElementsOf(
              crds.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".yaml")).toList());
    }
    for (String file : LocalControlPlane.CRD_FILES) {
      assertThat(getClass().getClassLoader().getResource("tcptune/crds/" + file))
          .as("in the jar: " + file)
          .isNotNull();
    }
  }
}
