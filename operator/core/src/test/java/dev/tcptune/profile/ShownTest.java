package dev.tcptune.profile;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ShownTest {

  @Test
  void longValuesAreCutAndControlCharactersEscaped() {
    assertThat(Shown.text("x".repeat(100_000)))
        .hasSizeLessThan(100)
        .endsWith("… (100000 characters)");
    assertThat(Shown.quoted("eth0\n\t")).isEqualTo("'eth0\\n\\t'");
  }
}
