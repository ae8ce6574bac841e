package io.sidecarset.api;

/**
 * Pod annotation keys written by the webhook and the controller. They are the contract between the
 * two, and with sidecars that read their version through the downward API, so they live here and
 * nowhere else.
 */
public final class SidecarSetAnnotations {

  /** JSON map: SidecarSet name to {@code {hash, sidecarSetName, sidecarList, updateTimestamp}}. */
  public static final String HASH = "sidecarset.io/hash";

  /**
   * Same shape as {@link #HASH}, hashed with every image blanked: equal means "image-only change".
   */
  public static final String HASH_WITHOUT_IMAGE = "sidecarset.io/hash-without-image";

  /** The names of the SidecarSets injected into the pod, sorted, comma-separated. */
  public static final String INJECTED_LIST = "sidecarset.io/injected-list";

  /**
   * JSON map: hot-upgrade sidecar name to the name of the slot that serves ({@code <c>-1}/{@code
   * <c>-2}).
   */
  public static final String WORKING_HOTUPGRADE_CONTAINER =
      "sidecarset.io/working-hotupgrade-container";

  /**
   * JSON map: hot-upgrade sidecar name to its per-pod upgrade progress ({@link
   * io.sidecarset.api.pod.HotUpgradeProgress}), written by the controller with every step.
   */
  public static final String HOTUPGRADE_STATE = "sidecarset.io/hotupgrade-state";

  /**
   * JSON map: SidecarSet name to the container statuses recorded before an in-place update ({@link
   * io.sidecarset.api.pod.InPlaceUpdateState}).
   */
  public static final String INPLACE_UPDATE_STATE = "sidecarset.io/inplace-update-state";

  /** Prefix of the per-slot version counter read by {@code SIDECARSET_VERSION}. */
  public static final String VERSION_PREFIX = "version.sidecarset.io/";

  /** Prefix of the per-slot alternate version read by {@code SIDECARSET_VERSION_ALT}. */
  public static final String VERSION_ALT_PREFIX = "versionalt.sidecarset.io/";

  /**
   * Set on a SidecarSet by its users to hold the injected revision name (reserved, Kruise parity).
   */
  public static final String SIDECARSET_REVISION = "sidecarset.io/revision";

  private SidecarSetAnnotations() {}

  /** The version annotation of one hot-upgrade slot, e.g. {@code version.sidecarset.io/proxy-1}. */
  public static String version(String slotContainerName) {
    return VERSION_PREFIX + slotContainerName;
  }

  /** The alternate-version annotation of one hot-upgrade slot. */
  public static String versionAlt(String slotContainerName) {
    return VERSION_ALT_PREFIX + slotContainerName;
  }
}
