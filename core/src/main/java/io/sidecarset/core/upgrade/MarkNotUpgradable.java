package io.sidecarset.core.upgrade;

import io.fabric8.kubernetes.api.model.Pod;
import io.sidecarset.api.SidecarSetEvents;
import java.util.List;

/**
 * Set the pod condition {@code sidecarset.io/SidecarSetUpgradable=False}: the set changed a field
 * other than an image, which a running pod cannot take, so the pod keeps its sidecars until it is
 * recreated. Planned only when the condition does not say so already.
 *
 * @param reason the condition reason
 * @param message for people: what to do about it
 */
public record MarkNotUpgradable(
    PodRef pod, String sidecarSet, String reason, String message, Pod desired)
    implements PodConditionAction {

  @Override
  public List<PodEvent> events() {
    return List.of(
        new PodEvent(SidecarSetEvents.NOT_UPGRADABLE, SidecarSetEvents.TYPE_WARNING, message));
  }

  @Override
  public String kind() {
    return "mark-not-upgradable";
  }
}
