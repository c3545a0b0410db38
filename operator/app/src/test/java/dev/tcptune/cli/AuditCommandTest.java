package dev.tcptune.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.StringWriter;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** {@code tcptune audit}'s own options, refused before it reads the machine. */
class AuditCommandTest {

  @ParameterizedTest
  @ValueSource(strings = {"NaN", "-1", "3601", "Infinity"})
  void aRateIntervalOutsideItsRangeIsRefused(String seconds) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();

    int exit = InProcessCli.run(out, err, "audit", "--rate-interval", seconds);

    assertThat(exit).isEqualTo(TcpTuneCommand.ERROR);
    assertThat(err.toString())
        .startsWith("error: --rate-interval: ")
        .contains("is not allowed (allowed: 0..3600 seconds)");
    assertThat(out.toString()).isEmpty();
  }
}
