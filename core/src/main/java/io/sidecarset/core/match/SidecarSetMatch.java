package io.sidecarset.core.match;

/**
 * Whether a SidecarSet applies to a pod, and if not, the first check that failed. The reason is for
 * logs and tests; callers decide on {@link #matched()}.
 */
public enum SidecarSetMatch {
  /** The set applies: inject it. */
  MATCHED,
  /** {@code spec.injectionStrategy.paused}: the set injects no new pods. */
  INJECTION_PAUSED,
  /** {@code spec.namespace} names another namespace. */
  NAMESPACE_MISMATCH,
  /** {@code spec.namespaceSelector} does not select the pod's namespace labels. */
  NAMESPACE_SELECTOR_MISMATCH,
  /** {@code spec.selector} does not select the pod's labels (or is missing). */
  SELECTOR_MISMATCH;

  public boolean matched() {
    return this == MATCHED;
  }
}
