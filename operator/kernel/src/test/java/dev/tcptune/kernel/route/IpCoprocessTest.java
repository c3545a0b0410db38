package dev.tcptune.kernel.route;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tcptune.kernel.exec.CommandFailedException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * How a kept ip process's merged output is split into a batch's result, and what happens when the
 * process does not answer or ends (a stand-in process instead of ip).
 */
class IpCoprocessTest {

  private static final List<String> ARGV = List.of("ip", "-4", "-d", "-force", "-batch", "-");
  private static final String COMPLAINT = "Object \"tcptune.end\" is unknown, try \"ip help\".";

  @Test
  void failuresAreNumberedFromTheBatchsFirstLineAndTheListingIsWhatFollowsTheLast() {
    // The process's 7th to 10th lines: two changes (the first fails), a listing, the end marker.
    List<String> output =
        List.of(
            "RTNETLINK answers: No such file or directory",
            "Command failed -:7",
            "unicast 10.1.0.0/24 via 10.0.0.2 dev b0 table main proto boot scope global rto_min lock 20ms ",
            "unicast 10.2.0.0/24 via 10.0.0.2 dev b0 table main proto boot scope global ",
            COMPLAINT);

    IpBatch.Result result = IpCoprocess.parse(ARGV, output, 7);

    assertThat(result.failedLines())
        .isEqualTo(Map.of(1, "RTNETLINK answers: No such file or directory"));
    assertThat(result.stdout()).isEqualTo(output.get(2) + "\n" + output.get(3) + "\n");
    assertThat(result.exitCode()).isEqualTo(1);
    assertThat(result.otherErrors()).isEmpty();
    assertThat(RouteTextParser.parse(result.stdout(), IpFamily.INET)).hasSize(2);
  }

  @Test
  void aListingThatFailsHasItsErrorAndNoOutput() {
    IpBatch.Result result =
        IpCoprocess.parse(
            ARGV,
            List.of(
                "Error: ipv4: FIB table does not exist.",
                "Dump terminated",
                "Command failed -:3",
                COMPLAINT),
            3);

    assertThat(result.failedLines())
        .isEqualTo(Map.of(1, "Error: ipv4: FIB table does not exist.; Dump terminated"));
    assertThat(result.stdout()).isEmpty();
  }

  @Test
  void theWarningOfARoutingTableThatChangedDuringTheListingIsNotARoute() {
    IpBatch.Result result =
        IpCoprocess.parse(
            ARGV,
            List.of(
                "unicast 10.2.0.0/24 dev b0 table main proto kernel scope link src 10.2.0.1 ",
                IpBatch.DUMP_INTERRUPTED,
                COMPLAINT),
            1);

    assertThat(result.failedLines()).isEmpty();
    assertThat(result.stdout()).doesNotContain("Dump").endsWith("10.2.0.1 \n");
    assertThat(result.otherErrors()).isEqualTo(IpBatch.DUMP_INTERRUPTED);
  }

  @Test
  void aProcessThatDoesNotAnswerIsKilledAndTheNextBatchStartsAnother() {
    try (IpCoprocess silent = new IpCoprocess(List.of("sleep", "60"), Duration.ofMillis(300))) {
      assertThatThrownBy(() -> silent.run(List.of(IpBatch.LIST_ALL)))
          .isInstanceOf(CommandFailedException.class)
          .hasMessageContaining("sleep 60 did not answer within 300 ms, killed");
      assertThat(silent.pid()).isEmpty();

      // The next batch gets a process of its own, which is killed in turn.
      assertThatThrownBy(() -> silent.run(List.of(IpBatch.LIST_ALL)))
          .hasMessageContaining("did not answer");
    }
  }

  @Test
  void aProcessThatEndsFailsItsBatchWithWhatItPrinted() {
    try (IpCoprocess gone =
        new IpCoprocess(List.of("ip", "-4", "no-such-option"), Duration.ofSeconds(10))) {
      assertThatThrownBy(() -> gone.run(List.of(IpBatch.LIST_ALL)))
          .isInstanceOf(CommandFailedException.class)
          .hasMessageContaining("ended (exit code")
          .hasMessageContaining("no-such-option");
      assertThat(gone.pid()).isEmpty();
    }
  }

  @Test
  void refusesALineThatIsNotSafeBeforeStartingAnything() {
    try (IpCoprocess never = new IpCoprocess(List.of("sleep", "60"), Duration.ofSeconds(10))) {
      assertThatThrownBy(() -> never.run(List.of(List.of("route", "show", "#", "comment"))))
          .isInstanceOf(IllegalArgumentException.class);
      assertThat(never.pid()).isEmpty();
    }
  }
}
