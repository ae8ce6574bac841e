package io.sidecarset.e2e.support;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.sidecarset.api.SidecarSetAnnotations;
import java.util.Map;
import java.util.Optional;

/** Reads what a scenario looks at in a pod: containers, statuses, readiness, our annotations. */
public final class PodInspection {

  private static final ObjectMapper JSON = new ObjectMapper();

  private PodInspection() {}

  public static Optional<Container> container(Pod pod, String name) {
    return pod.getSpec().getContainers().stream().filter(c -> name.equals(c.getName())).findFirst();
  }

  /** The image the pod spec asks for in container {@code name}. */
  public static String specImage(Pod pod, String name) {
    return container(pod, name)
        .map(Container::getImage)
        .orElseThrow(() -> new IllegalStateException("pod has no container " + name));
  }

  public static Optional<ContainerStatus> status(Pod pod, String name) {
    if (pod.getStatus() == null || pod.getStatus().getContainerStatuses() == null) {
      return Optional.empty();
    }
    return pod.getStatus().getContainerStatuses().stream()
        .filter(s -> name.equals(s.getName()))
        .findFirst();
  }

  /** True when the container is running, ready, and runs {@code image}. */
  public static boolean runsReady(Pod pod, String name, String image) {
    return status(pod, name)
        .filter(s -> Boolean.TRUE.equals(s.getReady()))
        .filter(s -> s.getState() != null && s.getState().getRunning() != null)
        .filter(s -> ImageNames.same(s.getImage(), image))
        .isPresent();
  }

  /** True when the container is running {@code image} (ready or not). */
  public static boolean runs(Pod pod, String name, String image) {
    return status(pod, name)
        .filter(s -> s.getState() != null && s.getState().getRunning() != null)
        .filter(s -> ImageNames.same(s.getImage(), image))
        .isPresent();
  }

  public static int restartCount(Pod pod, String name) {
    return status(pod, name).map(ContainerStatus::getRestartCount).orElse(0);
  }

  /** The pod's Ready condition is True. */
  public static boolean isReady(Pod pod) {
    return pod.getStatus() != null
        && pod.getStatus().getConditions() != null
        && pod.getStatus().getConditions().stream()
            .anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus()));
  }

  /**
   * Available, as a rollout counts it: the pod is Ready and every container runs, ready, the image
   * its spec asks for. A pod whose sidecar the controller has just given a new image is unavailable
   * from that patch until the kubelet has restarted the container on it, even if the restart is too
   * quick for the pod's Ready condition to ever turn False.
   */
  public static boolean isAvailable(Pod pod) {
    return isReady(pod)
        && pod.getSpec().getContainers().stream()
            .allMatch(c -> runsReady(pod, c.getName(), c.getImage()));
  }

  public static Optional<PodCondition> condition(Pod pod, String type) {
    if (pod.getStatus() == null || pod.getStatus().getConditions() == null) {
      return Optional.empty();
    }
    return pod.getStatus().getConditions().stream()
        .filter(c -> type.equals(c.getType()))
        .findFirst();
  }

  public static Optional<String> annotation(Pod pod, String key) {
    Map<String, String> annotations = pod.getMetadata().getAnnotations();
    return annotations == null ? Optional.empty() : Optional.ofNullable(annotations.get(key));
  }

  /**
   * The slot that serves for hot-upgrade sidecar {@code sidecar}, from {@link
   * SidecarSetAnnotations#WORKING_HOTUPGRADE_CONTAINER}.
   */
  public static Optional<String> workingSlot(Pod pod, String sidecar) {
    return jsonMap(pod, SidecarSetAnnotations.WORKING_HOTUPGRADE_CONTAINER)
        .map(m -> m.get(sidecar))
        .map(Object::toString);
  }

  /** A pod annotation that holds a JSON object, as a map. */
  public static Optional<Map<String, Object>> jsonMap(Pod pod, String key) {
    return annotation(pod, key)
        .map(
            json -> {
              try {
                return JSON.readValue(json, new TypeReference<Map<String, Object>>() {});
              } catch (java.io.IOException e) {
                throw new IllegalStateException(
                    "annotation " + key + " is not a JSON object: " + json, e);
              }
            });
  }
}
