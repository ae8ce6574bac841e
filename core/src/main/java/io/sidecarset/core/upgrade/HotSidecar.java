package io.sidecarset.core.upgrade;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.sidecarset.api.pod.HotUpgradeProgress;

/**
 * One hot-upgrade sidecar of one pod: its two slots, which one works, and its recorded progress.
 *
 * @param name the sidecar name in the set (e.g. {@code proxy})
 * @param targetImage the set's image for it
 * @param emptyImage the set's {@code hotUpgradeEmptyImage}
 * @param working the slot the working annotation names
 * @param spare the other slot
 * @param workingStatus the working slot's status, or null
 * @param spareStatus the spare slot's status, or null
 * @param progress the pod's progress entry for this sidecar, or null
 */
record HotSidecar(
    String name,
    String targetImage,
    String emptyImage,
    Container working,
    Container spare,
    ContainerStatus workingStatus,
    ContainerStatus spareStatus,
    HotUpgradeProgress progress) {

  /** The spare slot is not on the empty image: an upgrade started and is not reset yet. */
  boolean spareBusy() {
    return !ContainerImages.same(spare.getImage(), emptyImage);
  }

  /** The working slot does not run the set's image: an upgrade must switch slots. */
  boolean needsSwitch() {
    return !ContainerImages.same(working.getImage(), targetImage);
  }

  /** The working slot reports ready. */
  boolean workingReady() {
    return workingStatus != null && Boolean.TRUE.equals(workingStatus.getReady());
  }

  /** The progress says an upgrade to the current working slot is running. */
  boolean upgrading() {
    return progress != null
        && progress.isUpgrading()
        && working.getName().equals(progress.toSlot());
  }
}
