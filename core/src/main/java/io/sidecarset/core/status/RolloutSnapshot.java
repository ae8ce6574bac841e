package io.sidecarset.core.status;

import java.util.List;

/**
 * What the planner saw of a rollout, from which the status is computed.
 *
 * @param generation the SidecarSet's {@code metadata.generation}
 * @param latestRevision the set's hash
 * @param matchedPods active pods injected by the set that still have its container layout
 * @param updatedPods matched pods whose hash for the set equals the set's
 * @param readyPods matched pods that are ready, consistent, with every spare slot on the empty
 *     image
 * @param updatedReadyPods both
 * @param waitingPods pods the strategy will still upgrade (candidates beyond the partition)
 * @param inFlightPods pods whose upgrade started and has not finished
 * @param notUpgradablePods pods (namespace/name) that need a change other than an image
 * @param rolledBackPods pods (namespace/name) whose last hot upgrade was rolled back and that are
 *     not on the set's hash
 * @param gate whether new upgrades may start
 * @param pausingRollbacks pods (namespace/name) whose rollback pauses the rollout at this
 *     generation (empty unless the gate is {@link RolloutGate#PAUSED_AFTER_ROLLBACK})
 */
public record RolloutSnapshot(
    long generation,
    String latestRevision,
    int matchedPods,
    int updatedPods,
    int readyPods,
    int updatedReadyPods,
    int waitingPods,
    int inFlightPods,
    List<String> notUpgradablePods,
    List<String> rolledBackPods,
    RolloutGate gate,
    List<String> pausingRollbacks) {}
