package io.sidecarset.controller;

import io.fabric8.kubernetes.api.model.Pod;
import io.sidecarset.api.SidecarSetAnnotations;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * The SidecarSets a pod was injected by, read from its {@code sidecarset.io/injected-list}
 * annotation. The controller finds a set's pods through this list, not through owner references:
 * the webhook is the one who knows which sets a pod got.
 */
final class InjectedSets {

  private InjectedSets() {}

  /** The set names in the pod's injected-list, in order, without blanks. */
  static List<String> of(Pod pod) {
    Map<String, String> annotations =
        pod.getMetadata() == null ? null : pod.getMetadata().getAnnotations();
    String list = annotations == null ? null : annotations.get(SidecarSetAnnotations.INJECTED_LIST);
    if (list == null || list.isBlank()) {
      return List.of();
    }
    return Arrays.stream(list.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
  }
}
