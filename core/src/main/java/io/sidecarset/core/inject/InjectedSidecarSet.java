package io.sidecarset.core.inject;

import java.util.List;

/**
 * One SidecarSet as it was injected into a pod.
 *
 * @param name the set's name
 * @param hash the set's hash recorded in {@code sidecarset.io/hash}
 * @param hashWithoutImage the hash recorded in {@code sidecarset.io/hash-without-image}
 * @param containers the pod containers added or replaced, in pod order of injection (a hot-upgrade
 *     sidecar {@code c} shows as {@code c-1}, {@code c-2})
 * @param initContainers the pod init containers added or replaced, sorted by name
 * @param volumes the set volumes added to the pod (a pod volume of the same name is kept instead,
 *     and not listed)
 * @param imagePullSecrets the pull secrets added to the pod (ones it already had are not listed)
 */
public record InjectedSidecarSet(
    String name,
    String hash,
    String hashWithoutImage,
    List<String> containers,
    List<String> initContainers,
    List<String> volumes,
    List<String> imagePullSecrets) {

  public InjectedSidecarSet {
    containers = List.copyOf(containers);
    initContainers = List.copyOf(initContainers);
    volumes = List.copyOf(volumes);
    imagePullSecrets = List.copyOf(imagePullSecrets);
  }
}
