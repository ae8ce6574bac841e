package io.sidecarset.core.upgrade;

import io.fabric8.kubernetes.api.model.Pod;
import io.sidecarset.api.SidecarSetEvents;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Undo a hot upgrade that did not finish within {@code hotUpgradeTimeoutSeconds}: the new slot goes
 * back to the empty image, the working annotation, the version annotations and the set's hash go
 * back to their values before the upgrade, so the old slot (never restarted) keeps serving. When
 * the failed upgrade targeted the set's current hash, the rollout pauses until the spec changes
 * ({@code pausesRollout}).
 *
 * @param rollbacks one per hot sidecar whose upgrade timed out
 * @param pausesRollout whether this rollback pauses the rollout
 */
public record HotUpgradeRollback(
    PodRef pod, String sidecarSet, List<SlotRollback> rollbacks, boolean pausesRollout, Pod desired)
    implements PodPatchAction {

  /**
   * @param sidecar the sidecar name
   * @param slot the slot that got the new image and goes back to {@code emptyImage}
   * @param restoredWorkingSlot the slot that serves again
   * @param failedImage the image that did not become ready
   * @param emptyImage the set's {@code hotUpgradeEmptyImage}
   * @param waited from the upgrade patch to the rollback decision
   */
  public record SlotRollback(
      String sidecar,
      String slot,
      String restoredWorkingSlot,
      String failedImage,
      String emptyImage,
      Duration waited) {}

  @Override
  public List<PodEvent> events() {
    List<PodEvent> events = new ArrayList<>();
    for (SlotRollback r : rollbacks) {
      events.add(
          new PodEvent(
              SidecarSetEvents.HOT_UPGRADE_ROLLED_BACK,
              SidecarSetEvents.TYPE_WARNING,
              "SidecarSet "
                  + sidecarSet
                  + ": "
                  + r.slot()
                  + " on "
                  + r.failedImage()
                  + " was not ready after "
                  + r.waited().toSeconds()
                  + "s; it is back on "
                  + r.emptyImage()
                  + " and "
                  + r.restoredWorkingSlot()
                  + " serves"
                  + (pausesRollout ? "; the rollout is paused" : "")));
    }
    return events;
  }

  @Override
  public String kind() {
    return "hot-upgrade-rollback";
  }
}
