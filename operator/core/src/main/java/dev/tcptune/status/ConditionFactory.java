package dev.tcptune.status;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ConditionBuilder;
import java.time.Clock;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Builds conditions in the standard Kubernetes form ({@code type, status, reason, message,
 * lastTransitionTime, observedGeneration}). {@code lastTransitionTime} is kept from the previous
 * condition of the same type while its status stays the same, so that a status rebuilt on every
 * check is equal to the last one written and causes no API write.
 */
public final class ConditionFactory {

  /** Reasons are CamelCase identifiers, as the API conventions ask. */
  private static final Pattern REASON = Pattern.compile("[A-Z][A-Za-z0-9]*");

  private final Clock clock;

  public ConditionFactory(Clock clock) {
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  /**
   * A condition; {@code previous} are the conditions last written (may be empty).
   *
   * @throws IllegalArgumentException when {@code reason} is not CamelCase
   */
  public Condition condition(
      String type,
      boolean status,
      String reason,
      String message,
      long observedGeneration,
      List<Condition> previous) {
    if (!REASON.matcher(reason).matches()) {
      throw new IllegalArgumentException(
          "condition reason: '" + reason + "' is not CamelCase (allowed: " + REASON + ")");
    }
    String statusText = status ? "True" : "False";
    String transition =
        find(previous, type)
            .filter(c -> statusText.equals(c.getStatus()) && c.getLastTransitionTime() != null)
            .map(Condition::getLastTransitionTime)
            .orElseGet(this::now);
    return new ConditionBuilder()
        .withType(type)
        .withStatus(statusText)
        .withReason(reason)
        .withMessage(message)
        .withObservedGeneration(observedGeneration)
        .withLastTransitionTime(transition)
        .build();
  }

  /** Now, as Kubernetes writes times: RFC 3339 in UTC, whole seconds. */
  public String now() {
    return format(clock.instant());
  }

  /** {@code instant} as Kubernetes writes times. */
  public static String format(Instant instant) {
    return DateTimeFormatter.ISO_INSTANT.format(instant.truncatedTo(ChronoUnit.SECONDS));
  }

  /** The condition of {@code type} in {@code conditions}, if any. */
  public static Optional<Condition> find(List<Condition> conditions, String type) {
    return conditions == null
        ? Optional.empty()
        : conditions.stream().filter(c -> type.equals(c.getType())).findFirst();
  }
}
