package dev.tcptune.agent;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tcptune.api.v1alpha1.TcpNodeStateStatus;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Iterator;
import java.util.Objects;
import java.util.function.DoubleSupplier;

/**
 * Writes the status only when it changed since the last write, and otherwise once per heartbeat
 * (with jitter, so that 5,000 agents started together do not write together). "Changed" ignores
 * {@code lastCheckTime}, which moves on every check; every other time in the status moves only on a
 * real change.
 */
final class StatusWriter {

  private static final String CHECK_TIME = "lastCheckTime";

  private final StatusSink patcher;
  private final Clock clock;
  private final Duration heartbeat;
  private final DoubleSupplier random;
  private ObjectNode lastWritten;
  private Instant nextHeartbeat;

  StatusWriter(StatusSink patcher, Clock clock, Duration heartbeat, DoubleSupplier random) {
    this.patcher = Objects.requireNonNull(patcher, "patcher");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.heartbeat = Objects.requireNonNull(heartbeat, "heartbeat");
    this.random = Objects.requireNonNull(random, "random");
  }

  /** Starts from the status found on the server, so a restarted agent does not write it again. */
  void baseline(TcpNodeStateStatus found) {
    if (lastWritten == null && found != null) {
      lastWritten = StatusPatcher.JSON.valueToTree(found);
      scheduleHeartbeat();
    }
  }

  /**
   * Writes {@code status} when due.
   *
   * @return true when a patch was sent
   * @throws io.fabric8.kubernetes.client.KubernetesClientException when the write failed; the next
   *     call tries again
   */
  boolean write(TcpNodeStateStatus status) {
    ObjectNode next = StatusPatcher.JSON.valueToTree(status);
    boolean changed =
        lastWritten == null || !withoutCheckTime(next).equals(withoutCheckTime(lastWritten));
    boolean heartbeatDue = nextHeartbeat == null || !clock.instant().isBefore(nextHeartbeat);
    if (!changed && !heartbeatDue) {
      return false;
    }
    ObjectNode patch = next.deepCopy();
    if (lastWritten != null) {
      // A merge patch keeps fields it does not mention: remove what disappeared explicitly.
      Iterator<String> names = lastWritten.fieldNames();
      names.forEachRemaining(
          name -> {
            if (!next.has(name)) {
              patch.putNull(name);
            }
          });
    }
    if (patcher.patch(patch)) {
      lastWritten = next;
    }
    scheduleHeartbeat();
    return true;
  }

  private void scheduleHeartbeat() {
    // 90%..110% of the heartbeat.
    long millis = (long) (heartbeat.toMillis() * (0.9 + 0.2 * random.getAsDouble()));
    nextHeartbeat = clock.instant().plusMillis(millis);
  }

  private static JsonNode withoutCheckTime(ObjectNode status) {
    ObjectNode copy = status.deepCopy();
    copy.remove(CHECK_TIME);
    return copy;
  }
}
