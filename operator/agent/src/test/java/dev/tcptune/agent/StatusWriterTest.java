package dev.tcptune.agent;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tcptune.api.v1alpha1.SocketStatistics;
import dev.tcptune.api.v1alpha1.TcpNodeStateStatus;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class StatusWriterTest {

  private final List<ObjectNode> patches = new ArrayList<>();
  private final MutableClock clock = new MutableClock(Instant.parse("2026-11-23T10:00:00Z"));
  private final StatusWriter writer =
      new StatusWriter(status -> patches.add(status), clock, Duration.ofMinutes(5), () -> 0.5);

  @Test
  void writesOnlyWhenSomethingBesidesTheCheckTimeChanged() {
    assertThat(writer.write(status("a", "10:00:00"))).isTrue();
    assertThat(writer.write(status("a", "10:00:10"))).isFalse();
    assertThat(writer.write(status("b", "10:00:20"))).isTrue();
    assertThat(patches).hasSize(2);
  }

  @Test
  void heartbeatWritesAnUnchangedStatusAboutEveryFiveMinutes() {
    writer.write(status("a", "10:00:00"));
    clock.advance(Duration.ofMinutes(4));
    assertThat(writer.write(status("a", "10:04:00"))).isFalse();
    clock.advance(Duration.ofMinutes(1).plusSeconds(1));

    assertThat(writer.write(status("a", "10:05:01"))).isTrue();
    assertThat(patches.get(1).path("lastCheckTime").asText()).isEqualTo("10:05:01");
  }

  @Test
  void fieldsThatDisappearAreRemovedExplicitly() {
    TcpNodeStateStatus first = status("a", "10:00:00");
    first.setSockets(new SocketStatistics());
    writer.write(first);

    writer.write(status("b", "10:00:10"));

    assertThat(patches.get(1).get("sockets").isNull()).isTrue();
  }

  @Test
  void aFailedWriteIsRetriedNextTime() {
    List<ObjectNode> sent = new ArrayList<>();
    boolean[] fail = {true};
    StatusWriter flaky =
        new StatusWriter(
            status -> {
              if (fail[0]) {
                throw new IllegalStateException("connection refused");
              }
              return sent.add(status);
            },
            clock,
            Duration.ofMinutes(5),
            () -> 0.5);
    try {
      flaky.write(status("a", "10:00:00"));
    } catch (IllegalStateException expected) {
      // The API server is down.
    }
    fail[0] = false;

    assertThat(flaky.write(status("a", "10:00:10"))).isTrue();
    assertThat(sent).hasSize(1);
  }

  private static TcpNodeStateStatus status(String kernel, String checkTime) {
    TcpNodeStateStatus s = new TcpNodeStateStatus();
    s.setKernelVersion(kernel);
    s.setLastCheckTime(checkTime);
    return s;
  }

  private static final class MutableClock extends Clock {
    private Instant now;

    MutableClock(Instant now) {
      this.now = now;
    }

    void advance(Duration d) {
      now = now.plus(d);
    }

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return now;
    }
  }
}
