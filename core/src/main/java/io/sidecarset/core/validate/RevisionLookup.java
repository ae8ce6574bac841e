package io.sidecarset.core.validate;

import io.sidecarset.api.v1alpha1.SidecarSet;
import io.sidecarset.api.v1alpha1.SidecarSetInjectRevision;

/**
 * Answers whether the revision a SidecarSet pins for injection exists. Kruise checks that a
 * ControllerRevision exists; that needs the API server, so the webhook supplies the answer.
 */
@FunctionalInterface
public interface RevisionLookup {

  /** Skips the check: every pinned revision is taken to exist. */
  RevisionLookup ANY = (set, revision) -> true;

  /**
   * @param set the SidecarSet being validated
   * @param revision its {@code spec.injectionStrategy.revision}, with a revisionName or a
   *     customVersion
   * @return true when a stored revision of {@code set} matches it
   */
  boolean exists(SidecarSet set, SidecarSetInjectRevision revision);
}
