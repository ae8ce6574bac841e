package io.sidecarset.core.status;

/**
 * Whether the rollout may start new upgrades. Whatever the gate, started hot upgrades are still
 * finished (reset) or undone (rolled back): a closed gate never strands a pod half-way.
 */
public enum RolloutGate {
  /** New upgrades may start, within partition and maxUnavailable. */
  OPEN,
  /** {@code updateStrategy.type: NotUpdate}. */
  NOT_UPDATE,
  /** {@code updateStrategy.paused: true}. */
  PAUSED_BY_USER,
  /** A hot upgrade to the current hash was rolled back at the current generation. */
  PAUSED_AFTER_ROLLBACK
}
