package io.sidecarset.api;

/** Condition types, on pods and on the SidecarSet status, and their reasons. */
public final class SidecarSetConditions {

  /** Pod condition: can this pod's sidecars be upgraded in place? False names the reason. */
  public static final String POD_UPGRADABLE = "sidecarset.io/SidecarSetUpgradable";

  /** SidecarSet condition: pods are being upgraded. */
  public static final String PROGRESSING = "Progressing";

  /** SidecarSet condition: the rollout is paused, by the user or after a rollback. */
  public static final String PAUSED = "Paused";

  /** SidecarSet condition: some matched pods cannot be upgraded in place. */
  public static final String PODS_NOT_UPGRADABLE = "PodsNotUpgradable";

  /** SidecarSet condition: hot upgrades that did not finish in time were rolled back. */
  public static final String PODS_ROLLED_BACK = "PodsRolledBack";

  public static final String STATUS_TRUE = "True";
  public static final String STATUS_FALSE = "False";

  /**
   * Reason on {@link #POD_UPGRADABLE} (False) and {@link #PODS_NOT_UPGRADABLE} (True): a field
   * other than an image changed, which a running pod cannot take.
   */
  public static final String REASON_UPDATE_IMMUTABLE_FIELD = "UpdateImmutableField";

  /** Reason on {@link #POD_UPGRADABLE} (True): every set in the message can upgrade the pod. */
  public static final String REASON_UPGRADABLE = "Upgradable";

  /** Reason on {@link #PODS_NOT_UPGRADABLE} (False). */
  public static final String REASON_ALL_UPGRADABLE = "AllUpgradable";

  /** Reason on {@link #PROGRESSING} (True): pods are waiting for or going through an upgrade. */
  public static final String REASON_ROLLING_UPDATE = "RollingUpdate";

  /** Reason on {@link #PROGRESSING} (True): paused, but started hot upgrades still finish. */
  public static final String REASON_FINISHING_STARTED_UPGRADES = "FinishingStartedUpgrades";

  /** Reason on {@link #PROGRESSING} (False): every pod the strategy allows is upgraded. */
  public static final String REASON_ROLLOUT_COMPLETE = "RolloutComplete";

  /** Reason on {@link #PROGRESSING} (False): {@code updateStrategy.type: NotUpdate}. */
  public static final String REASON_NOT_UPDATE = "NotUpdate";

  /** Reason on {@link #PROGRESSING} (False) and {@link #PAUSED} (True): paused by the user. */
  public static final String REASON_PAUSED_BY_USER = "PausedByUser";

  /**
   * Reason on {@link #PAUSED} (True) and {@link #PROGRESSING} (False): a hot upgrade was rolled
   * back; the rollout stays paused until the SidecarSet spec changes (its generation moves).
   */
  public static final String REASON_PAUSED_AFTER_ROLLBACK = "PausedAfterRollback";

  /** Reason on {@link #PAUSED} (False). */
  public static final String REASON_NOT_PAUSED = "NotPaused";

  /** Reason on {@link #PODS_ROLLED_BACK} (True): hot upgrades did not finish in time. */
  public static final String REASON_HOT_UPGRADE_TIMEOUT = "HotUpgradeTimeout";

  /** Reason on {@link #PODS_ROLLED_BACK} (False). */
  public static final String REASON_NO_ROLLBACK = "NoRollback";

  private SidecarSetConditions() {}
}
