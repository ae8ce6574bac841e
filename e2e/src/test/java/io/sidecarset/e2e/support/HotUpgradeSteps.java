package io.sidecarset.e2e.support;

import java.time.Duration;
import java.time.Instant;

/**
 * When each step of one pod's hot upgrade was seen from outside (pod polled every {@link
 * Timeouts#FAST_POLL}), measured from the SidecarSet patch.
 *
 * @param fromSlot the slot that served before ({@code proxy-1} or {@code proxy-2})
 * @param toSlot the slot that serves after
 * @param patchedAt the SidecarSet's image was changed
 * @param startedAt the pod spec gave {@code toSlot} the new image (the controller's upgrade patch)
 * @param migratedAt {@code toSlot} runs the new image and is ready, and the pod is Ready
 * @param resetAt {@code fromSlot} runs the empty image again (the controller's reset), and the pod
 *     is Ready
 */
public record HotUpgradeSteps(
    String fromSlot,
    String toSlot,
    Instant patchedAt,
    Instant startedAt,
    Instant migratedAt,
    Instant resetAt) {

  public Duration patchToStarted() {
    return Duration.between(patchedAt, startedAt);
  }

  public Duration startedToMigrated() {
    return Duration.between(startedAt, migratedAt);
  }

  public Duration migratedToReset() {
    return Duration.between(migratedAt, resetAt);
  }

  public Duration total() {
    return Duration.between(patchedAt, resetAt);
  }
}
