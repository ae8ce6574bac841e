package io.sidecarset.core.upgrade;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodConditionBuilder;
import io.fabric8.kubernetes.api.model.PodSpecBuilder;
import io.fabric8.kubernetes.api.model.PodStatusBuilder;
import io.sidecarset.api.HotUpgradeSlots;
import io.sidecarset.api.SidecarSetAnnotations;
import io.sidecarset.api.SidecarSetLabels;
import io.sidecarset.api.v1alpha1.SidecarContainer;
import io.sidecarset.api.v1alpha1.SidecarSet;
import io.sidecarset.core.hash.SidecarSetHasher;
import io.sidecarset.core.pod.PodSidecarSetHash;
import io.sidecarset.core.pod.PodSidecarSetHashes;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Pods as the webhook injects them (containers, hash annotations, hot-upgrade slots and version
 * annotations), running and ready with every container on its spec image.
 */
final class InjectedPods {

  static final String NAMESPACE = "demo";
  static final Instant CREATED = Instant.parse("2026-11-26T09:00:00Z");

  private InjectedPods() {}

  /** A pod injected by {@code set} at its current spec, ready. */
  static Pod injected(SidecarSet set, String name) {
    return injected(set, name, SidecarSetHasher.hash(set), SidecarSetHasher.hashWithoutImage(set));
  }

  private static Pod injected(SidecarSet set, String name, String hash, String hashWithoutImage) {
    List<Container> containers = new ArrayList<>();
    Map<String, String> annotations = new LinkedHashMap<>();
    Map<String, String> working = new LinkedHashMap<>();
    for (SidecarContainer sidecar : set.getSpec().containersOrEmpty()) {
      if (!sidecar.isHotUpgrade()) {
        containers.add(container(sidecar.getName(), sidecar.getImage()));
        continue;
      }
      String first = HotUpgradeSlots.first(sidecar.getName());
      String second = HotUpgradeSlots.second(sidecar.getName());
      containers.add(container(first, sidecar.getImage()));
      containers.add(container(second, sidecar.getUpgradeStrategy().getHotUpgradeEmptyImage()));
      working.put(sidecar.getName(), first);
      annotations.put(SidecarSetAnnotations.version(first), "1");
      annotations.put(SidecarSetAnnotations.versionAlt(first), "0");
      annotations.put(SidecarSetAnnotations.version(second), "0");
      annotations.put(SidecarSetAnnotations.versionAlt(second), "1");
    }
    containers.add(container("app", "nginx:1.25"));
    String setName = set.getMetadata().getName();
    List<String> sidecarList =
        set.getSpec().containersOrEmpty().stream().map(Container::getName).toList();
    annotations.put(
        SidecarSetAnnotations.HASH,
        PodSidecarSetHashes.write(
            Map.of(
                setName, new PodSidecarSetHash(hash, setName, sidecarList, CREATED.toString()))));
    annotations.put(
        SidecarSetAnnotations.HASH_WITHOUT_IMAGE,
        PodSidecarSetHashes.write(
            Map.of(
                setName,
                new PodSidecarSetHash(
                    hashWithoutImage, setName, sidecarList, CREATED.toString()))));
    annotations.put(SidecarSetAnnotations.INJECTED_LIST, setName);
    if (!working.isEmpty()) {
      annotations.put(
          SidecarSetAnnotations.WORKING_HOTUPGRADE_CONTAINER,
          JsonMapAnnotation.WORKING_SLOTS.write(working));
    }
    Pod pod =
        new PodBuilder()
            .withMetadata(
                new ObjectMetaBuilder()
                    .withNamespace(NAMESPACE)
                    .withName(name)
                    .withUid("uid-" + name)
                    .withResourceVersion("1")
                    .withCreationTimestamp(CREATED.toString())
                    .addToLabels(SidecarSets.APP_LABEL, SidecarSets.APP)
                    .addToLabels(SidecarSetLabels.INJECTED, SidecarSetLabels.INJECTED_TRUE)
                    .withAnnotations(annotations)
                    .build())
            .withSpec(
                new PodSpecBuilder().withNodeName("node-1").withContainers(containers).build())
            .build();
    return FakeKubelet.ALWAYS_READY.sync(pod, CREATED);
  }

  /** {@code count} pods {@code pod-0..}, injected by {@code set}. */
  static List<Pod> injected(SidecarSet set, int count) {
    String hash = SidecarSetHasher.hash(set);
    String hashWithoutImage = SidecarSetHasher.hashWithoutImage(set);
    List<Pod> pods = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      pods.add(injected(set, String.format("pod-%03d", i), hash, hashWithoutImage));
    }
    return pods;
  }

  static Container container(String name, String image) {
    return new ContainerBuilder().withName(name).withImage(image).build();
  }

  /** A copy of the pod with its container statuses and Ready condition replaced. */
  static Pod withStatus(Pod pod, List<ContainerStatus> statuses, boolean ready, Instant since) {
    return new PodBuilder(pod)
        .withStatus(
            new PodStatusBuilder(pod.getStatus() == null ? null : pod.getStatus())
                .withPhase("Running")
                .withContainerStatuses(statuses)
                .withConditions(
                    new PodConditionBuilder()
                        .withType("Ready")
                        .withStatus(ready ? "True" : "False")
                        .withLastTransitionTime(since.toString())
                        .build())
                .build())
        .build();
  }

  static ContainerStatus status(String name, String image, boolean ready, int restarts) {
    return new ContainerStatusBuilder()
        .withName(name)
        .withImage(image)
        .withImageID(FakeKubelet.imageId(image))
        .withReady(ready)
        .withRestartCount(restarts)
        .build();
  }
}
