package io.sidecarset.api;

import java.util.List;
import java.util.Optional;

/**
 * Names of the two containers a hot-upgrade sidecar {@code <c>} runs as ({@code <c>-1}, {@code
 * <c>-2}), and the downward-API paths and initial values of their version annotations. The webhook
 * injects with them, the controller upgrades with them and the e2e tests assert them, so the naming
 * lives here once. The suffixes are Kruise's, so tooling written for Kruise pods reads ours.
 */
public final class HotUpgradeSlots {

  /** Suffix of the slot that serves after injection. */
  public static final String FIRST_SUFFIX = "-1";

  /** Suffix of the slot that starts on the empty image. */
  public static final String SECOND_SUFFIX = "-2";

  /** {@code SIDECARSET_VERSION} of a slot running the empty image. */
  public static final String EMPTY_VERSION = "0";

  /** {@code SIDECARSET_VERSION} of the serving slot at injection: "first start, no upgrade yet". */
  public static final String INITIAL_VERSION = "1";

  /** The {@code apiVersion} of the downward-API field references on the slots. */
  public static final String FIELD_REF_API_VERSION = "v1";

  private HotUpgradeSlots() {}

  /** {@code <c>-1}: the slot that runs the real image when the pod is created. */
  public static String first(String sidecarName) {
    return sidecarName + FIRST_SUFFIX;
  }

  /** {@code <c>-2}: the slot that runs the empty image when the pod is created. */
  public static String second(String sidecarName) {
    return sidecarName + SECOND_SUFFIX;
  }

  /** Both slots of {@code sidecarName}, first then second. */
  public static List<String> both(String sidecarName) {
    return List.of(first(sidecarName), second(sidecarName));
  }

  /** The other slot of the same sidecar, e.g. {@code proxy-2} for {@code proxy-1}. */
  public static Optional<String> other(String slotName) {
    return sidecarName(slotName)
        .map(base -> slotName.endsWith(FIRST_SUFFIX) ? second(base) : first(base));
  }

  /**
   * The sidecar a slot belongs to ({@code proxy} for {@code proxy-2}); empty if not a slot name.
   */
  public static Optional<String> sidecarName(String slotName) {
    if (slotName == null) {
      return Optional.empty();
    }
    for (String suffix : List.of(FIRST_SUFFIX, SECOND_SUFFIX)) {
      if (slotName.length() > suffix.length() && slotName.endsWith(suffix)) {
        return Optional.of(slotName.substring(0, slotName.length() - suffix.length()));
      }
    }
    return Optional.empty();
  }

  /**
   * Downward-API path read by {@code SIDECARSET_VERSION} of a slot: {@code
   * metadata.annotations['version.sidecarset.io/<slot>']}.
   */
  public static String versionFieldPath(String slotName) {
    return annotationFieldPath(SidecarSetAnnotations.version(slotName));
  }

  /** Downward-API path read by {@code SIDECARSET_VERSION_ALT} of a slot. */
  public static String versionAltFieldPath(String slotName) {
    return annotationFieldPath(SidecarSetAnnotations.versionAlt(slotName));
  }

  private static String annotationFieldPath(String annotationKey) {
    return "metadata.annotations['" + annotationKey + "']";
  }
}
