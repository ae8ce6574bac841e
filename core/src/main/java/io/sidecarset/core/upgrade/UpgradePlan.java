package io.sidecarset.core.upgrade;

import io.sidecarset.api.v1alpha1.SidecarSetStatus;
import io.sidecarset.core.status.RolloutSnapshot;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * What to do next for one SidecarSet, and where its rollout stands.
 *
 * @param actions the steps to take, in order; at most one {@link PodPatchAction} per pod, followed
 *     by that pod's {@link PodConditionAction} if any. Rollbacks and resets come first.
 * @param status the status to store (equal to the stored one when nothing changed)
 * @param snapshot the facts the status was computed from (for metrics)
 * @param recheckAfter when to plan again even if nothing in the cluster changes: soon after
 *     actions, and before the nearest hot-upgrade deadline while upgrades are in flight; empty when
 *     the rollout is at rest
 */
public record UpgradePlan(
    List<UpgradeAction> actions,
    SidecarSetStatus status,
    RolloutSnapshot snapshot,
    Optional<Duration> recheckAfter) {}
