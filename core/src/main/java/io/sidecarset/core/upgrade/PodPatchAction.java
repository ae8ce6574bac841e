package io.sidecarset.core.upgrade;

import io.fabric8.kubernetes.api.model.Pod;

/**
 * An action that changes the pod's spec and metadata (images, annotations): the caller sends the
 * difference between the pod it planned from and {@link #desired()} as one patch, guarded by the
 * pod's resourceVersion.
 */
public sealed interface PodPatchAction extends UpgradeAction
    permits ColdUpgrade, HotUpgradeStart, HotUpgradeReset, HotUpgradeRollback {

  /** The pod as it must be after the step: a changed deep copy of the pod planned from. */
  Pod desired();
}
