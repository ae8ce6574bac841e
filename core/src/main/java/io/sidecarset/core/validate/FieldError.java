package io.sidecarset.core.validate;

/**
 * One rule a SidecarSet breaks.
 *
 * @param field the path of the offending field, Kubernetes style: {@code
 *     spec.containers[0].upgradeStrategy.hotUpgradeEmptyImage}
 * @param message the rule, in words, with the offending value where it helps
 */
public record FieldError(String field, String message) {

  @Override
  public String toString() {
    return field + ": " + message;
  }
}
