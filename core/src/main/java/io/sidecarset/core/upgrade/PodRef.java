package io.sidecarset.core.upgrade;

import io.fabric8.kubernetes.api.model.Pod;

/**
 * The pod an action is about, as the planner saw it. {@code resourceVersion} is the version the
 * action was planned from: the caller must apply the action only if the pod is still at that
 * version (a guarded patch), and plan again from fresh state otherwise.
 */
public record PodRef(String namespace, String name, String uid, String resourceVersion) {

  public static PodRef of(Pod pod) {
    var meta = pod.getMetadata();
    return new PodRef(
        meta.getNamespace(), meta.getName(), meta.getUid(), meta.getResourceVersion());
  }

  @Override
  public String toString() {
    return namespace + "/" + name;
  }
}
