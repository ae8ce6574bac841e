package io.sidecarset.api;

/**
 * Reasons of the Kubernetes Events the controller emits, one per pod step, so that {@code kubectl
 * get events} tells the story of a rollout and tests can count steps.
 */
public final class SidecarSetEvents {

  /** The {@code source.component} of every event. */
  public static final String COMPONENT = "sidecarset-controller";

  /** On a pod: cold sidecars got their new images (the kubelet restarts them in place). */
  public static final String SIDECAR_UPGRADED = "SidecarUpgraded";

  /** On a pod: the spare slot got the new image and became the working slot. */
  public static final String HOT_UPGRADE_STARTED = "HotUpgradeStarted";

  /** On a pod: the new slot is ready and the pod is ready: it took the traffic over. */
  public static final String HOT_UPGRADE_MIGRATED = "HotUpgradeMigrated";

  /** On a pod: the old slot went back to the empty image. */
  public static final String HOT_UPGRADE_RESET = "HotUpgradeReset";

  /** On a pod (Warning): the upgrade did not finish in time and was undone. */
  public static final String HOT_UPGRADE_ROLLED_BACK = "HotUpgradeRolledBack";

  /** On a pod (Warning): a change other than an image needs the pod to be recreated. */
  public static final String NOT_UPGRADABLE = "NotUpgradable";

  /** On the SidecarSet (Warning): the rollout paused after a rollback. */
  public static final String ROLLOUT_PAUSED = "RolloutPaused";

  public static final String TYPE_NORMAL = "Normal";
  public static final String TYPE_WARNING = "Warning";

  private SidecarSetEvents() {}
}
