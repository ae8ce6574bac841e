package io.sidecarset.api;

/**
 * Environment variables seen by injected containers. The two version names and their meaning are
 * Kruise's, so sidecar images written for Kruise's hot upgrade work unchanged.
 */
public final class SidecarSetEnv {

  /** {@code "true"} in every container the webhook injected. */
  public static final String IS_INJECTED = "IS_INJECTED";

  /** Value of {@link #IS_INJECTED}. */
  public static final String IS_INJECTED_TRUE = "true";

  /**
   * This slot's version counter: {@code 0} for the empty slot, greater than {@link
   * #SIDECARSET_VERSION_ALT} for the side that takes over, lower for an old side restarted mid-way.
   */
  public static final String SIDECARSET_VERSION = "SIDECARSET_VERSION";

  /** The other slot's version while an upgrade is in progress; {@code 0} when none is. */
  public static final String SIDECARSET_VERSION_ALT = "SIDECARSET_VERSION_ALT";

  private SidecarSetEnv() {}
}
