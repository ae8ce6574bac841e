package io.sidecarset.core.status;

import io.fabric8.kubernetes.api.model.Condition;
import io.sidecarset.api.SidecarSetConditions;
import io.sidecarset.api.v1alpha1.SidecarSet;
import io.sidecarset.api.v1alpha1.SidecarSetStatus;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The SidecarSet status: Kruise's counts plus four conditions (Progressing, Paused,
 * PodsNotUpgradable, PodsRolledBack). Pure: equal inputs give an equal status, so the caller writes
 * it only when it differs from the stored one. Every message is non-empty: kube-apiserver 1.20 as
 * built here (Go 1.19) reads {@code ""} in a custom resource as null and rejects the status.
 */
public final class SidecarSetStatusCalculator {

  /** How many pod names a condition message lists before it says "and N more". */
  static final int NAMES_IN_MESSAGE = 5;

  private SidecarSetStatusCalculator() {}

  /**
   * The status for {@code set} given what the planner saw. Keeps each condition's transition time
   * from the set's current status when the condition's status did not flip.
   */
  public static SidecarSetStatus calculate(SidecarSet set, RolloutSnapshot snapshot, Instant now) {
    List<Condition> previous = set.getStatus() == null ? null : set.getStatus().getConditions();
    long generation = snapshot.generation();

    SidecarSetStatus status = new SidecarSetStatus();
    status.setObservedGeneration(generation);
    status.setMatchedPods(snapshot.matchedPods());
    status.setUpdatedPods(snapshot.updatedPods());
    status.setReadyPods(snapshot.readyPods());
    status.setUpdatedReadyPods(snapshot.updatedReadyPods());
    status.setLatestRevision(snapshot.latestRevision());
    if (set.getStatus() != null) {
      status.setCollisionCount(set.getStatus().getCollisionCount());
    }

    List<Condition> conditions = new ArrayList<>();
    conditions.add(progressing(previous, snapshot, now));
    conditions.add(paused(previous, snapshot, now));
    conditions.add(notUpgradable(previous, snapshot, now));
    conditions.add(rolledBack(previous, snapshot, now));
    status.setConditions(conditions);
    return status;
  }

  private static Condition progressing(List<Condition> previous, RolloutSnapshot s, Instant now) {
    boolean waiting = s.waitingPods() > 0;
    boolean inFlight = s.inFlightPods() > 0;
    boolean status;
    String reason;
    String message;
    switch (s.gate()) {
      case OPEN -> {
        status = waiting || inFlight;
        reason =
            status
                ? SidecarSetConditions.REASON_ROLLING_UPDATE
                : SidecarSetConditions.REASON_ROLLOUT_COMPLETE;
        message =
            status
                ? s.inFlightPods() + " pod(s) upgrading, " + s.waitingPods() + " waiting"
                : s.updatedPods()
                    + " of "
                    + s.matchedPods()
                    + " pod(s) on the latest revision; the strategy upgrades no more";
      }
      case NOT_UPDATE -> {
        status = inFlight;
        reason =
            inFlight
                ? SidecarSetConditions.REASON_FINISHING_STARTED_UPGRADES
                : SidecarSetConditions.REASON_NOT_UPDATE;
        message = "updateStrategy.type is NotUpdate: pods are upgraded only when recreated";
      }
      default -> {
        status = inFlight;
        reason =
            inFlight
                ? SidecarSetConditions.REASON_FINISHING_STARTED_UPGRADES
                : s.gate() == RolloutGate.PAUSED_BY_USER
                    ? SidecarSetConditions.REASON_PAUSED_BY_USER
                    : SidecarSetConditions.REASON_PAUSED_AFTER_ROLLBACK;
        message =
            "paused with "
                + s.waitingPods()
                + " pod(s) waiting; "
                + s.inFlightPods()
                + " started upgrade(s) still finish";
      }
    }
    return StatusConditions.next(
        previous, SidecarSetConditions.PROGRESSING, status, reason, message, s.generation(), now);
  }

  private static Condition paused(List<Condition> previous, RolloutSnapshot s, Instant now) {
    return switch (s.gate()) {
      case PAUSED_BY_USER ->
          StatusConditions.next(
              previous,
              SidecarSetConditions.PAUSED,
              true,
              SidecarSetConditions.REASON_PAUSED_BY_USER,
              "updateStrategy.paused is true",
              s.generation(),
              now);
      case PAUSED_AFTER_ROLLBACK ->
          StatusConditions.next(
              previous,
              SidecarSetConditions.PAUSED,
              true,
              SidecarSetConditions.REASON_PAUSED_AFTER_ROLLBACK,
              "hot upgrade rolled back on "
                  + names(s.pausingRollbacks())
                  + "; change the SidecarSet spec (a fixed image, or updateStrategy.paused true and"
                  + " back to false to retry) to resume",
              s.generation(),
              now);
      default ->
          StatusConditions.next(
              previous,
              SidecarSetConditions.PAUSED,
              false,
              SidecarSetConditions.REASON_NOT_PAUSED,
              "the rollout is not paused",
              s.generation(),
              now);
    };
  }

  private static Condition notUpgradable(List<Condition> previous, RolloutSnapshot s, Instant now) {
    List<String> pods = s.notUpgradablePods();
    return pods.isEmpty()
        ? StatusConditions.next(
            previous,
            SidecarSetConditions.PODS_NOT_UPGRADABLE,
            false,
            SidecarSetConditions.REASON_ALL_UPGRADABLE,
            "every matched pod can take the change in place",
            s.generation(),
            now)
        : StatusConditions.next(
            previous,
            SidecarSetConditions.PODS_NOT_UPGRADABLE,
            true,
            SidecarSetConditions.REASON_UPDATE_IMMUTABLE_FIELD,
            pods.size()
                + " pod(s) need a change other than an image and keep their sidecars until"
                + " recreated: "
                + names(pods),
            s.generation(),
            now);
  }

  private static Condition rolledBack(List<Condition> previous, RolloutSnapshot s, Instant now) {
    List<String> pods = s.rolledBackPods();
    return pods.isEmpty()
        ? StatusConditions.next(
            previous,
            SidecarSetConditions.PODS_ROLLED_BACK,
            false,
            SidecarSetConditions.REASON_NO_ROLLBACK,
            "no pod is rolled back",
            s.generation(),
            now)
        : StatusConditions.next(
            previous,
            SidecarSetConditions.PODS_ROLLED_BACK,
            true,
            SidecarSetConditions.REASON_HOT_UPGRADE_TIMEOUT,
            pods.size()
                + " pod(s) did not finish a hot upgrade in time and were rolled back: "
                + names(pods),
            s.generation(),
            now);
  }

  static String names(List<String> pods) {
    if (pods.size() <= NAMES_IN_MESSAGE) {
      return String.join(", ", pods);
    }
    return String.join(", ", pods.subList(0, NAMES_IN_MESSAGE))
        + " and "
        + (pods.size() - NAMES_IN_MESSAGE)
        + " more";
  }
}
