package io.sidecarset.e2e.support;

import io.fabric8.kubernetes.api.model.Pod;
import io.sidecarset.api.HotUpgradeSlots;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Follows one pod through one hot upgrade of sidecar {@code sidecar} to {@code targetImage}, from
 * successive snapshots of the pod: records when each step became visible, and every breach of the
 * invariants of a hot upgrade (the pod is never recreated, the app container never restarts).
 */
public final class HotUpgradeTracker {

  private final String sidecar;
  private final String targetImage;
  private final String emptyImage;
  private final String podUid;
  private final String fromSlot;
  private final String toSlot;
  private final Instant patchedAt;
  private final Clock clock;
  private final List<String> violations = new ArrayList<>();
  private Instant startedAt;
  private Instant migratedAt;
  private Instant resetAt;
  private Pod last;

  /**
   * @param before the pod before the patch: its working slot is where the upgrade comes from
   */
  public HotUpgradeTracker(
      Pod before,
      String sidecar,
      String targetImage,
      String emptyImage,
      Instant patchedAt,
      Clock clock) {
    this.sidecar = sidecar;
    this.targetImage = targetImage;
    this.emptyImage = emptyImage;
    this.podUid = before.getMetadata().getUid();
    this.fromSlot =
        PodInspection.workingSlot(before, sidecar)
            .orElseThrow(() -> new IllegalStateException("pod has no working slot for " + sidecar));
    this.toSlot = HotUpgradeSlots.other(fromSlot).orElseThrow();
    this.patchedAt = patchedAt;
    this.clock = clock;
  }

  /** Takes one snapshot; returns true once the upgrade is complete (reset seen, pod Ready). */
  public boolean observe(Pod pod) {
    Instant now = clock.instant();
    last = pod;
    if (pod == null) {
      violations.add(now + ": the pod is gone");
      return false;
    }
    if (!podUid.equals(pod.getMetadata().getUid())) {
      violations.add(now + ": the pod was recreated (uid " + pod.getMetadata().getUid() + ")");
    }
    int appRestarts = PodInspection.restartCount(pod, TestWorkloads.APP_CONTAINER);
    if (appRestarts != 0 && violations.stream().noneMatch(v -> v.contains("app container"))) {
      violations.add(now + ": the app container restarted (" + appRestarts + ")");
    }
    if (startedAt == null && Objects.equals(PodInspection.specImage(pod, toSlot), targetImage)) {
      startedAt = now;
    }
    if (startedAt != null
        && migratedAt == null
        && PodInspection.runsReady(pod, toSlot, targetImage)
        && PodInspection.isReady(pod)) {
      migratedAt = now;
    }
    if (migratedAt != null
        && resetAt == null
        && Objects.equals(PodInspection.specImage(pod, fromSlot), emptyImage)
        && PodInspection.runs(pod, fromSlot, emptyImage)
        && PodInspection.isReady(pod)) {
      resetAt = now;
    }
    return resetAt != null;
  }

  public String toSlot() {
    return toSlot;
  }

  public String fromSlot() {
    return fromSlot;
  }

  /** Breaches of the hot-upgrade invariants seen so far; empty is good. */
  public List<String> violations() {
    return List.copyOf(violations);
  }

  /** The step times; only once {@link #observe} returned true. */
  public HotUpgradeSteps steps() {
    if (resetAt == null) {
      throw new IllegalStateException("upgrade not complete: " + progress());
    }
    return new HotUpgradeSteps(fromSlot, toSlot, patchedAt, startedAt, migratedAt, resetAt);
  }

  /** Which steps were seen, and the last snapshot, for a failure message. */
  public String progress() {
    return "started="
        + startedAt
        + " migrated="
        + migratedAt
        + " reset="
        + resetAt
        + " ("
        + fromSlot
        + " -> "
        + toSlot
        + ", "
        + sidecar
        + " -> "
        + targetImage
        + "); last pod: "
        + SidecarSetTester.describe(last);
  }
}
