package dev.tcptune.kernel.catalog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class KernelVersionTest {

  @Test
  void parsesVendorSuffixedRelease() {
    assertThat(KernelVersion.parse("6.18.44-fc-v782\n")).isEqualTo(KernelVersion.of(6, 18, 44));
    assertThat(KernelVersion.parse("5.4")).isEqualTo(KernelVersion.of(5, 4, 0));
    assertThat(KernelVersion.parse("6.11.0-rc1")).isEqualTo(KernelVersion.of(6, 11, 0));
  }

  @Test
  void ordersNumericallyNotLexically() {
    assertThat(KernelVersion.of(6, 18, 0).isAtLeast(KernelVersion.of(6, 11, 0))).isTrue();
    assertThat(KernelVersion.of(6, 9, 99).isAtLeast(KernelVersion.of(6, 11, 0))).isFalse();
    assertThat(KernelVersion.of(6, 11, 0).isAtLeast(KernelVersion.of(6, 11, 0))).isTrue();
    assertThat(KernelVersion.of(5, 15, 0)).isLessThan(KernelVersion.of(6, 1, 0));
  }

  @Test
  void rejectsGarbageNamingTheText() {
    assertThatThrownBy(() -> KernelVersion.parse("linux")).hasMessageContaining("'linux'");
  }

  @Test
  void runningKernelIsReadable() {
    assertThat(KernelVersion.running().major()).isPositive();
  }
}
