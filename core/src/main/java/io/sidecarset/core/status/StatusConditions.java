package io.sidecarset.core.status;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ConditionBuilder;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Objects;

/**
 * Builds a condition the way Kubernetes expects: {@code lastTransitionTime} moves only when the
 * status flips, so that an unchanged rollout computes an identical status and nothing is written.
 */
public final class StatusConditions {

  private StatusConditions() {}

  /** The condition of {@code type} in {@code conditions}, or null. */
  public static Condition find(List<Condition> conditions, String type) {
    if (conditions == null) {
      return null;
    }
    return conditions.stream().filter(c -> type.equals(c.getType())).findFirst().orElse(null);
  }

  /**
   * A condition with the given fields; its transition time is the previous one's when the status
   * did not change, else {@code now}.
   */
  public static Condition next(
      List<Condition> previous,
      String type,
      boolean status,
      String reason,
      String message,
      long observedGeneration,
      Instant now) {
    String statusValue = status ? "True" : "False";
    Condition before = find(previous, type);
    String transition =
        before != null
                && Objects.equals(before.getStatus(), statusValue)
                && before.getLastTransitionTime() != null
            ? before.getLastTransitionTime()
            : rfc3339(now);
    return new ConditionBuilder()
        .withType(type)
        .withStatus(statusValue)
        .withReason(reason)
        .withMessage(message)
        .withObservedGeneration(observedGeneration)
        .withLastTransitionTime(transition)
        .build();
  }

  /** RFC 3339 with second precision, as Kubernetes writes times. */
  public static String rfc3339(Instant instant) {
    return DateTimeFormatter.ISO_INSTANT.format(instant.truncatedTo(ChronoUnit.SECONDS));
  }
}
