package io.sidecarset.core.upgrade;

import io.fabric8.kubernetes.api.model.Pod;
import io.sidecarset.api.SidecarSetEvents;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Step 1 of a hot upgrade, in one patch: the spare slot gets the new image and becomes the working
 * slot, the version annotations tell the two processes which side is new, the set's hash moves and
 * the progress annotation records where to come back to. Cold sidecars of the same set that changed
 * get their new images in the same patch.
 *
 * @param switches one per hot sidecar whose image changes
 * @param coldImages cold container name to its new image
 */
public record HotUpgradeStart(
    PodRef pod,
    String sidecarSet,
    List<SlotSwitch> switches,
    Map<String, String> coldImages,
    Pod desired)
    implements PodPatchAction {

  /**
   * @param sidecar the sidecar name (e.g. {@code proxy})
   * @param fromSlot the slot that served until now
   * @param toSlot the spare slot that now runs {@code image} and is marked working
   * @param image the new image
   * @param version {@code version[toSlot]}, one more than {@code version[fromSlot]}
   */
  public record SlotSwitch(
      String sidecar, String fromSlot, String toSlot, String image, long version) {}

  @Override
  public List<PodEvent> events() {
    List<PodEvent> events = new ArrayList<>();
    for (SlotSwitch s : switches) {
      events.add(
          new PodEvent(
              SidecarSetEvents.HOT_UPGRADE_STARTED,
              SidecarSetEvents.TYPE_NORMAL,
              "SidecarSet "
                  + sidecarSet
                  + ": "
                  + s.toSlot()
                  + " now runs "
                  + s.image()
                  + " (version "
                  + s.version()
                  + ") and takes over from "
                  + s.fromSlot()));
    }
    if (!coldImages.isEmpty()) {
      events.add(new ColdUpgrade(pod, sidecarSet, coldImages, desired).events().get(0));
    }
    return events;
  }

  @Override
  public String kind() {
    return "hot-upgrade-start";
  }
}
