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

  @Test
  void charactersThatDoNotShowAreEscaped() {
    // Zero-width space, no-break space, right-to-left override, a lone surrogate.
    assertThat(Shown.text("listen\u200bQueue Audit\u00a0 x\u202ey \ud800"))
        .isEqualTo("listen\\u200bQueue Audit\\u00a0 x\\u202ey \\ud800");
    // Letters of any script and a whole surrogate pair show as they are.
    assertThat(Shown.text("nœud-é \ud83d\ude00")).isEqualTo("nœud-é \ud83d\ude00");
    assertThat(Shown.text("\ud83d\ude00".repeat(100))).endsWith("… (100 characters)");
  }
}
