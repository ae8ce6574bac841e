package io.sidecarset.core.upgrade;

import io.fabric8.kubernetes.api.model.Pod;
import io.sidecarset.api.SidecarSetEvents;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Give cold sidecars their new images and record the set's new hash; the kubelet restarts each
 * changed container in place. {@code images} may be empty when the containers already run the
 * target images (only the hash moves).
 *
 * @param images container name to its new image
 */
public record ColdUpgrade(PodRef pod, String sidecarSet, Map<String, String> images, Pod desired)
    implements PodPatchAction {

  @Override
  public List<PodEvent> events() {
    String what =
        images.isEmpty()
            ? "sidecars already run the target images"
            : images.entrySet().stream()
                .map(e -> e.getKey() + " -> " + e.getValue())
                .collect(Collectors.joining(", "));
    return List.of(
        new PodEvent(
            SidecarSetEvents.SIDECAR_UPGRADED,
            SidecarSetEvents.TYPE_NORMAL,
            "SidecarSet " + sidecarSet + ": " + what));
  }

  @Override
  public String kind() {
    return "cold-upgrade";
  }
}
