package io.sidecarset.core.upgrade;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.api.model.PodStatus;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;

/**
 * Changes a deep copy of a pod, never the pod itself (it belongs to the caller's cache). The caller
 * turns the difference between the original and {@link #build()} into one patch.
 */
final class PodEditor {

  private final Pod copy;

  PodEditor(Pod original) {
    this.copy = new PodBuilder(original).build();
    copy.getMetadata()
        .setAnnotations(
            copy.getMetadata().getAnnotations() == null
                ? new LinkedHashMap<>()
                : new LinkedHashMap<>(copy.getMetadata().getAnnotations()));
  }

  /** Sets the image of container {@code name}, which must exist. */
  PodEditor image(String name, String image) {
    Container container =
        copy.getSpec().getContainers().stream()
            .filter(c -> name.equals(c.getName()))
            .findFirst()
            .orElseThrow(() -> new IllegalArgumentException("no container " + name));
    container.setImage(image);
    return this;
  }

  PodEditor annotation(String key, String value) {
    copy.getMetadata().getAnnotations().put(key, value);
    return this;
  }

  /** Replaces the condition of the same type, or adds it. */
  PodEditor condition(PodCondition condition) {
    if (copy.getStatus() == null) {
      copy.setStatus(new PodStatus());
    }
    List<PodCondition> conditions =
        copy.getStatus().getConditions() == null
            ? new ArrayList<>()
            : new ArrayList<>(copy.getStatus().getConditions());
    conditions.removeIf(c -> condition.getType().equals(c.getType()));
    conditions.add(condition);
    copy.getStatus().setConditions(conditions);
    return this;
  }

  Pod build() {
    return copy;
  }
}
