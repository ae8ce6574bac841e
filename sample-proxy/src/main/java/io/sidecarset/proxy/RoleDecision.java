package io.sidecarset.proxy;

import io.sidecarset.api.SidecarSetEnv;
import java.util.Map;

/**
 * The hot-upgrade role of a starting process, from the two version counters the controller sets
 * through the downward API ({@code SIDECARSET_VERSION}, {@code SIDECARSET_VERSION_ALT}), with the
 * reason in words for the log.
 *
 * <p>The rules, in order:
 *
 * <ol>
 *   <li>{@code VERSION} unset or empty: not run as a hot-upgrade slot (plain container, local run):
 *       {@link HandoffRole#BIND}.
 *   <li>{@code VERSION = 0}: the empty slot: {@link HandoffRole#IDLE}.
 *   <li>{@code ALT} unset, empty or 0: first start, no upgrade in progress: {@link
 *       HandoffRole#BIND}.
 *   <li>{@code VERSION > ALT}: the new side of an upgrade: {@link HandoffRole#TAKE_OVER}.
 *   <li>{@code VERSION < ALT}: an old side the kubelet restarted mid-upgrade; the other slot
 *       serves: {@link HandoffRole#IDLE}.
 *   <li>{@code VERSION = ALT} (never written by the controller): {@link HandoffRole#TAKE_OVER},
 *       because taking over falls back to binding when nobody serves, so the pod keeps a server
 *       either way.
 * </ol>
 *
 * @param role what to do
 * @param reason the rule that applied, with the values, for the log
 */
public record RoleDecision(HandoffRole role, String reason) {

  /**
   * Decides from the raw environment values ({@code null} = unset).
   *
   * @throws IllegalArgumentException if a value is set but not a non-negative integer
   */
  public static RoleDecision decide(String version, String versionAlt) {
    String v = blankToNull(version);
    String a = blankToNull(versionAlt);
    if (v == null) {
      return new RoleDecision(HandoffRole.BIND, SidecarSetEnv.SIDECARSET_VERSION + " unset: bind");
    }
    long ver = counter(SidecarSetEnv.SIDECARSET_VERSION, v);
    long alt = a == null ? 0 : counter(SidecarSetEnv.SIDECARSET_VERSION_ALT, a);
    String values = "version=" + ver + " alt=" + (a == null ? "unset" : alt);
    if (ver == 0) {
      return new RoleDecision(HandoffRole.IDLE, values + ": empty slot, stay idle");
    }
    if (alt == 0) {
      return new RoleDecision(HandoffRole.BIND, values + ": first start, bind");
    }
    if (ver > alt) {
      return new RoleDecision(HandoffRole.TAKE_OVER, values + ": new side, take over");
    }
    if (ver < alt) {
      return new RoleDecision(
          HandoffRole.IDLE, values + ": old side restarted mid-upgrade, stay idle");
    }
    return new RoleDecision(
        HandoffRole.TAKE_OVER, values + ": equal versions, take over (binds if nobody serves)");
  }

  /** {@link #decide(String, String)} on a process environment. */
  public static RoleDecision fromEnvironment(Map<String, String> env) {
    return decide(
        env.get(SidecarSetEnv.SIDECARSET_VERSION), env.get(SidecarSetEnv.SIDECARSET_VERSION_ALT));
  }

  private static String blankToNull(String s) {
    return s == null || s.isBlank() ? null : s.trim();
  }

  private static long counter(String name, String value) {
    try {
      long n = Long.parseLong(value);
      if (n >= 0) {
        return n;
      }
    } catch (NumberFormatException e) {
      // message below
    }
    throw new IllegalArgumentException(
        name + " must be a non-negative integer, got '" + value + "'");
  }
}
