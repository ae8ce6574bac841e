package io.sidecarset.core.upgrade;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodCondition;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * Plays the kubelet for pure tests: restarts every container whose spec image differs from its
 * status (restartCount + 1, new imageID), reports it ready when {@code readyImage} says so, and
 * keeps the pod's Ready condition (and its transition time) in step.
 */
final class FakeKubelet {

  static final FakeKubelet ALWAYS_READY = new FakeKubelet(image -> true);

  private final Predicate<String> readyImage;

  FakeKubelet(Predicate<String> readyImage) {
    this.readyImage = readyImage;
  }

  /** A kubelet on which containers running {@code brokenImage} never become ready. */
  static FakeKubelet neverReady(String brokenImage) {
    return new FakeKubelet(image -> !image.equals(brokenImage));
  }

  static String imageId(String image) {
    return "docker-pullable://"
        + image.replace(':', '@')
        + "-sha256:"
        + Integer.toHexString(image.hashCode());
  }

  /** The pod as the kubelet reports it once it has applied the spec, observed at {@code now}. */
  Pod sync(Pod pod, Instant now) {
    Map<String, ContainerStatus> before = new HashMap<>();
    if (pod.getStatus() != null && pod.getStatus().getContainerStatuses() != null) {
      pod.getStatus().getContainerStatuses().forEach(s -> before.put(s.getName(), s));
    }
    List<ContainerStatus> statuses = new ArrayList<>();
    boolean allReady = true;
    for (Container c : pod.getSpec().getContainers()) {
      ContainerStatus old = before.get(c.getName());
      ContainerStatus next;
      if (old != null && c.getImage().equals(old.getImage())) {
        next = old;
      } else {
        int restarts = old == null ? 0 : old.getRestartCount() + 1;
        next =
            InjectedPods.status(c.getName(), c.getImage(), readyImage.test(c.getImage()), restarts);
      }
      allReady &= Boolean.TRUE.equals(next.getReady());
      statuses.add(next);
    }
    PodCondition ready = SidecarSetPod.readyCondition(pod);
    boolean wasReady = ready != null && "True".equals(ready.getStatus());
    Instant since =
        ready != null && wasReady == allReady && ready.getLastTransitionTime() != null
            ? Instant.parse(ready.getLastTransitionTime())
            : now;
    Pod synced = InjectedPods.withStatus(pod, statuses, allReady, since);
    // keep the other conditions (e.g. sidecarset.io/SidecarSetUpgradable)
    if (pod.getStatus() != null && pod.getStatus().getConditions() != null) {
      for (PodCondition c : pod.getStatus().getConditions()) {
        if (!"Ready".equals(c.getType())) {
          synced.getStatus().getConditions().add(c);
        }
      }
    }
    return new PodBuilder(synced).build();
  }
}
