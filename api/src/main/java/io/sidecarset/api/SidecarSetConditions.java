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

  /** Reason on {@link #POD_UPGRADABLE}: a field other than an image changed. */
  public static final String REASON_UPDATE_IMMUTABLE_FIELD = "UpdateImmutableField";

  private SidecarSetConditions() {}
}
