package io.sidecarset.core.validate;

import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.Volume;
import io.sidecarset.api.HotUpgradeSlots;
import io.sidecarset.api.SidecarSetLabels;
import io.sidecarset.api.v1alpha1.SidecarContainer;
import io.sidecarset.api.v1alpha1.SidecarSet;
import io.sidecarset.api.v1alpha1.SidecarSetPatchPodMetadata;
import io.sidecarset.api.v1alpha1.SidecarSetSpec;
import io.sidecarset.core.match.LabelSelectorMatcher;
import io.sidecarset.core.match.LabelSelectorOverlap;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Rules between a SidecarSet and every other set that could inject the same pod (their namespaces
 * and selectors overlap): one pod cannot hold two containers of one name, two different volumes of
 * one name, or two sets overwriting one annotation.
 *
 * <p>Container names are compared as they land in the pod: a hot-upgrade sidecar {@code c} is
 * {@code c-1} and {@code c-2}, and containers and init containers share one name space (the
 * apiserver rejects a pod otherwise). Kruise compares spec names, list by list.
 */
final class ConflictRules {

  private ConflictRules() {}

  static void validate(
      SidecarSet set,
      Collection<SidecarSet> others,
      NamespaceLabelsLookup namespaces,
      ErrorList errors) {
    SidecarSetSpec spec = set.getSpec();
    if (spec == null || spec.getSelector() == null || others == null) {
      return;
    }
    String name = set.getMetadata() == null ? null : set.getMetadata().getName();
    List<SidecarSet> overlapping =
        others.stream()
            .filter(o -> o != null && o.getMetadata() != null && o.getSpec() != null)
            // a stored set too malformed to compare cannot block this one
            .filter(o -> !SidecarSetValidator.hasNullElements(o.getSpec()))
            .filter(o -> !Objects.equals(o.getMetadata().getName(), name))
            .filter(o -> namespacesOverlap(spec, o.getSpec(), namespaces))
            .filter(
                o -> LabelSelectorOverlap.overlaps(spec.getSelector(), o.getSpec().getSelector()))
            .sorted(Comparator.comparing(o -> String.valueOf(o.getMetadata().getName())))
            .toList();
    if (overlapping.isEmpty()) {
      return;
    }
    Map<String, String> containerOwners = new HashMap<>();
    Map<String, SidecarSet> volumeOwners = new HashMap<>();
    Map<String, String[]> patchOwners = new HashMap<>();
    for (SidecarSet other : overlapping) {
      String otherName = other.getMetadata().getName();
      for (SidecarContainer c : other.getSpec().containersOrEmpty()) {
        podNames(c).forEach(n -> containerOwners.putIfAbsent(n, otherName));
      }
      for (SidecarContainer c : other.getSpec().initContainersOrEmpty()) {
        podNames(c).forEach(n -> containerOwners.putIfAbsent(n, otherName));
      }
      for (Volume v : orEmpty(other.getSpec().getVolumes())) {
        volumeOwners.putIfAbsent(v.getName(), other);
      }
      for (SidecarSetPatchPodMetadata patch : orEmpty(other.getSpec().getPatchPodMetadata())) {
        String policy = patch.patchPolicyOrDefault();
        if (patch.getAnnotations() == null || SidecarSetPatchPodMetadata.RETAIN.equals(policy)) {
          continue;
        }
        patch
            .getAnnotations()
            .keySet()
            .forEach(k -> patchOwners.putIfAbsent(k, new String[] {otherName, policy}));
      }
    }
    checkContainers(spec.containersOrEmpty(), "spec.containers", containerOwners, errors);
    checkContainers(spec.initContainersOrEmpty(), "spec.initContainers", containerOwners, errors);
    List<Volume> volumes = orEmpty(spec.getVolumes());
    for (int i = 0; i < volumes.size(); i++) {
      Volume volume = volumes.get(i);
      SidecarSet owner = volumeOwners.get(volume.getName());
      if (owner != null && !volume.equals(volumeNamed(owner, volume.getName()))) {
        errors.add(
            ErrorList.index("spec.volumes", i),
            "volume "
                + volume.getName()
                + " is in conflict with sidecarset "
                + owner.getMetadata().getName()
                + ": volumes of one name must be identical");
      }
    }
    List<SidecarSetPatchPodMetadata> patches = orEmpty(spec.getPatchPodMetadata());
    for (int i = 0; i < patches.size(); i++) {
      SidecarSetPatchPodMetadata patch = patches.get(i);
      String policy = patch.patchPolicyOrDefault();
      if (patch.getAnnotations() == null || SidecarSetPatchPodMetadata.RETAIN.equals(policy)) {
        continue;
      }
      for (String key : patch.getAnnotations().keySet()) {
        String[] owner = patchOwners.get(key);
        if (owner != null
            && (SidecarSetPatchPodMetadata.OVERWRITE.equals(policy)
                || SidecarSetPatchPodMetadata.OVERWRITE.equals(owner[1]))) {
          errors.add(
              ErrorList.index("spec.patchPodMetadata", i) + ".annotations[" + key + "]",
              "annotation " + key + " is in conflict with sidecarset " + owner[0]);
        }
      }
    }
  }

  private static void checkContainers(
      List<SidecarContainer> containers,
      String path,
      Map<String, String> owners,
      ErrorList errors) {
    for (int i = 0; i < containers.size(); i++) {
      for (String podName : podNames(containers.get(i))) {
        String owner = owners.get(podName);
        if (owner != null) {
          errors.add(
              ErrorList.index(path, i) + ".name",
              "container " + podName + " already exists in sidecarset " + owner);
        }
      }
    }
  }

  /** The names a sidecar takes in the pod. */
  private static List<String> podNames(SidecarContainer container) {
    return container.isHotUpgrade()
        ? HotUpgradeSlots.both(container.getName())
        : List.of(String.valueOf(container.getName()));
  }

  private static Volume volumeNamed(SidecarSet set, String name) {
    return orEmpty(set.getSpec().getVolumes()).stream()
        .filter(v -> Objects.equals(v.getName(), name))
        .findFirst()
        .orElse(null);
  }

  /**
   * Kruise's {@code isSidecarSetNamespaceOverlapping}: two fixed namespaces must be equal, two
   * namespace selectors must overlap, and a fixed namespace must be selected by the other side's
   * selector (judged from its labels when known, else from its name label alone).
   */
  static boolean namespacesOverlap(
      SidecarSetSpec a, SidecarSetSpec b, NamespaceLabelsLookup namespaces) {
    String nsA = emptyToNull(a.getNamespace());
    String nsB = emptyToNull(b.getNamespace());
    if (nsA != null && nsB != null && !nsA.equals(nsB)) {
      return false;
    }
    LabelSelector selA = a.getNamespaceSelector();
    LabelSelector selB = b.getNamespaceSelector();
    if (selA != null && selB != null && !LabelSelectorOverlap.overlaps(selA, selB)) {
      return false;
    }
    if (nsA != null && selB != null && !namespaceMaySelect(nsA, selB, namespaces)) {
      return false;
    }
    return !(nsB != null && selA != null && !namespaceMaySelect(nsB, selA, namespaces));
  }

  private static boolean namespaceMaySelect(
      String namespace, LabelSelector selector, NamespaceLabelsLookup namespaces) {
    return namespaces
        .labels(namespace)
        .map(
            labels -> {
              Map<String, String> all = new HashMap<>(labels);
              all.putIfAbsent(SidecarSetLabels.NAMESPACE_NAME, namespace);
              return LabelSelectorMatcher.matches(selector, all);
            })
        .orElseGet(
            () -> {
              LabelSelector byName = new LabelSelector();
              byName.setMatchLabels(Map.of(SidecarSetLabels.NAMESPACE_NAME, namespace));
              return LabelSelectorOverlap.overlaps(byName, selector);
            });
  }

  private static String emptyToNull(String value) {
    return value == null || value.isEmpty() ? null : value;
  }

  private static <T> List<T> orEmpty(List<T> list) {
    return list == null ? List.of() : list;
  }
}
