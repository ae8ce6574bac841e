package io.sidecarset.core.upgrade;

import io.fabric8.kubernetes.api.model.Pod;
import io.sidecarset.api.SidecarSetEvents;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Step 3 of a hot upgrade: the new slot serves and the pod is ready, so the old slot goes back to
 * the empty image with {@code version[old] = 0} and {@code versionalt[new] = 0}. The set's hash is
 * not touched (it moved at step 1). Planned even while the rollout is paused, so that a pause never
 * leaves old and new processes running side by side.
 *
 * @param resets one per hot sidecar that finished its migration
 */
public record HotUpgradeReset(PodRef pod, String sidecarSet, List<SlotReset> resets, Pod desired)
    implements PodPatchAction {

  /**
   * @param sidecar the sidecar name
   * @param slot the old slot, now put back on {@code emptyImage}
   * @param workingSlot the slot that took over
   * @param emptyImage the set's {@code hotUpgradeEmptyImage}
   * @param migration from the upgrade patch to the moment the controller saw the new slot ready
   *     (null when the progress annotation has no start time)
   */
  public record SlotReset(
      String sidecar, String slot, String workingSlot, String emptyImage, Duration migration) {}

  @Override
  public List<PodEvent> events() {
    List<PodEvent> events = new ArrayList<>();
    for (SlotReset r : resets) {
      String took = r.migration() == null ? "" : " in " + r.migration().toMillis() / 1000.0 + "s";
      events.add(
          new PodEvent(
              SidecarSetEvents.HOT_UPGRADE_MIGRATED,
              SidecarSetEvents.TYPE_NORMAL,
              "SidecarSet "
                  + sidecarSet
                  + ": "
                  + r.workingSlot()
                  + " is ready and took over from "
                  + r.slot()
                  + took));
      events.add(
          new PodEvent(
              SidecarSetEvents.HOT_UPGRADE_RESET,
              SidecarSetEvents.TYPE_NORMAL,
              "SidecarSet " + sidecarSet + ": " + r.slot() + " is back on " + r.emptyImage()));
    }
    return events;
  }

  @Override
  public String kind() {
    return "hot-upgrade-reset";
  }
}
