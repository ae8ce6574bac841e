package io.sidecarset.core.upgrade;

import io.fabric8.kubernetes.api.model.Pod;
import java.util.List;

/**
 * Set the pod condition {@code sidecarset.io/SidecarSetUpgradable} to say the set can upgrade the
 * pod in place (Kruise writes it after each upgrade). Planned only when the condition does not say
 * so already; not a step of its own, so it emits no event.
 */
public record MarkUpgradable(PodRef pod, String sidecarSet, Pod desired)
    implements PodConditionAction {

  @Override
  public List<PodEvent> events() {
    return List.of();
  }

  @Override
  public String kind() {
    return "mark-upgradable";
  }
}
