package io.sidecarset.core.inject;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.LocalObjectReference;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeDevice;
import io.fabric8.kubernetes.api.model.VolumeMount;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The merge rules of injection, each Kruise's: the first list wins on a conflict, the second only
 * adds what is new. Inputs are never modified.
 */
final class PodSpecMerge {

  private PodSpecMerge() {}

  /** Env vars of {@code additional} whose names {@code original} lacks are appended. */
  static List<EnvVar> env(List<EnvVar> original, List<EnvVar> additional) {
    List<EnvVar> merged = new ArrayList<>(original);
    Set<String> names = new HashSet<>();
    original.forEach(e -> names.add(e.getName()));
    for (EnvVar env : additional) {
      if (names.add(env.getName())) {
        merged.add(env);
      }
    }
    return merged;
  }

  /** Mounts of {@code additional} at a mount path {@code original} lacks are appended. */
  static List<VolumeMount> mounts(List<VolumeMount> original, List<VolumeMount> additional) {
    List<VolumeMount> merged = new ArrayList<>(original);
    Set<String> paths = new HashSet<>();
    original.forEach(m -> paths.add(m.getMountPath()));
    for (VolumeMount mount : additional) {
      if (paths.add(mount.getMountPath())) {
        merged.add(mount);
      }
    }
    return merged;
  }

  /**
   * Devices of {@code additional} with a name and a device path {@code original} lacks are appended
   * (Kubernetes wants both unique in a container).
   */
  static List<VolumeDevice> devices(List<VolumeDevice> original, List<VolumeDevice> additional) {
    List<VolumeDevice> merged = new ArrayList<>(original);
    Set<String> names = new HashSet<>();
    Set<String> paths = new HashSet<>();
    original.forEach(
        d -> {
          names.add(d.getName());
          paths.add(d.getDevicePath());
        });
    for (VolumeDevice device : additional) {
      if (!names.contains(device.getName()) && !paths.contains(device.getDevicePath())) {
        names.add(device.getName());
        paths.add(device.getDevicePath());
        merged.add(device);
      }
    }
    return merged;
  }

  /** Volumes of {@code additional} whose names {@code original} lacks are appended. */
  static List<Volume> volumes(List<Volume> original, List<Volume> additional) {
    List<Volume> merged = new ArrayList<>(original);
    Set<String> names = new HashSet<>();
    original.forEach(v -> names.add(v.getName()));
    for (Volume volume : additional) {
      if (names.add(volume.getName())) {
        merged.add(volume);
      }
    }
    return merged;
  }

  /** Pull secrets, deduplicated by name, the pod's first. */
  static List<LocalObjectReference> secrets(
      List<LocalObjectReference> original, List<LocalObjectReference> additional) {
    List<LocalObjectReference> merged = new ArrayList<>();
    Set<String> names = new HashSet<>();
    for (List<LocalObjectReference> list : List.of(original, additional)) {
      for (LocalObjectReference secret : list) {
        if (names.add(secret.getName())) {
          merged.add(secret);
        }
      }
    }
    return merged;
  }

  /**
   * Kruise's {@code mergeSidecarContainers}: a sidecar whose name is already in the pod replaces
   * that container in place; the others go before the pod's containers ({@code before}) or after
   * them ({@code after}), each group in the given order.
   */
  static List<Container> containers(
      List<Container> podContainers, List<Container> before, List<Container> after) {
    List<Container> pod = new ArrayList<>(podContainers);
    Map<String, Integer> index = indexByName(pod);
    List<Container> head = new ArrayList<>();
    for (Container sidecar : before) {
      Integer at = index.get(sidecar.getName());
      if (at != null) {
        pod.set(at, sidecar);
      } else {
        head.add(sidecar);
      }
    }
    List<Container> tail = new ArrayList<>();
    for (Container sidecar : after) {
      Integer at = index.get(sidecar.getName());
      if (at != null) {
        pod.set(at, sidecar);
      } else {
        tail.add(sidecar);
      }
    }
    List<Container> merged = new ArrayList<>(head);
    merged.addAll(pod);
    merged.addAll(tail);
    return merged;
  }

  private static Map<String, Integer> indexByName(List<Container> containers) {
    Map<String, Integer> index = new HashMap<>();
    for (int i = 0; i < containers.size(); i++) {
      index.putIfAbsent(containers.get(i).getName(), i);
    }
    return index;
  }
}
