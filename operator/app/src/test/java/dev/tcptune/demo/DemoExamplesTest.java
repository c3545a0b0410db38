package dev.tcptune.demo;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

class DemoExamplesTest {

  @Test
  void appliesEveryExampleOfTheCheckout() throws IOException {
    try (Stream<Path> examples = Files.list(Path.of("../../examples"))) {
      assertThat(Demo.EXAMPLES)
          .containsExactlyInAnyOrderElementsOf(
              examples
                  .map(p -> p.getFileName().toString())
                  .filter(n -> n.endsWith(".yaml"))
                  .toList());
    }
    for (String example : Demo.EXAMPLES) {
      assertThat(getClass().getClassLoader().getResource("tcptune/examples/" + example))
          .as("in the jar: " + example)
          .isNotNull();
    }
  }
}
