package io.sidecarset.core.upgrade;

import io.fabric8.kubernetes.api.model.IntOrString;

/**
 * Kruise's arithmetic for {@code partition} and {@code maxUnavailable}: both are a count or a
 * percentage of the matched pods, and percentages round up.
 */
public final class RolloutBudget {

  private RolloutBudget() {}

  /**
   * How many matched pods stay on the old revision. A percentage rounds up (so "1%" keeps at least
   * one pod back), except that anything below "100%" upgrades at least one pod when there are
   * several. Clamped to {@code [0, matched]}.
   */
  public static int partition(IntOrString partition, int matched) {
    if (partition == null) {
      return 0;
    }
    int value = scaledRoundUp(partition, matched);
    if (matched > 1
        && value == matched
        && isPercent(partition)
        && !"100%".equals(partition.getStrVal().trim())) {
      value = matched - 1;
    }
    return Math.max(0, Math.min(value, matched));
  }

  /** How many matched pods may be unavailable at once; a percentage rounds up (Kruise #1834). */
  public static int maxUnavailable(IntOrString maxUnavailable, int matched) {
    return Math.max(0, scaledRoundUp(maxUnavailable, matched));
  }

  /**
   * The value of a count, or {@code ceil(percent * total / 100)} of a percentage.
   *
   * @throws IllegalArgumentException for a string that is not a percentage
   */
  static int scaledRoundUp(IntOrString value, int total) {
    if (!isPercent(value)) {
      if (value.getIntVal() != null) {
        return value.getIntVal();
      }
      String s = value.getStrVal() == null ? "" : value.getStrVal().trim();
      try {
        return Integer.parseInt(s);
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("not a count or a percentage: '" + s + "'");
      }
    }
    String s = value.getStrVal().trim();
    int percent;
    try {
      percent = Integer.parseInt(s.substring(0, s.length() - 1));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("not a percentage: '" + s + "'");
    }
    return (int) Math.ceil(percent * (double) total / 100.0);
  }

  static boolean isPercent(IntOrString value) {
    return value.getIntVal() == null
        && value.getStrVal() != null
        && value.getStrVal().trim().endsWith("%");
  }
}
