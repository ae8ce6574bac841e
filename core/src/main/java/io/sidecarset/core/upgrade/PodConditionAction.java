package io.sidecarset.core.upgrade;

import io.fabric8.kubernetes.api.model.Pod;

/**
 * An action that changes only the pod's status conditions (the {@code
 * sidecarset.io/SidecarSetUpgradable} condition): the caller sends the difference between the pod
 * planned from and {@link #desired()} to the {@code pods/status} subresource, guarded by the pod's
 * resourceVersion.
 */
public sealed interface PodConditionAction extends UpgradeAction
    permits MarkNotUpgradable, MarkUpgradable {

  /** The pod with its new conditions: a changed deep copy of the pod planned from. */
  Pod desired();
}
