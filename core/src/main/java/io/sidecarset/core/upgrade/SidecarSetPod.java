package io.sidecarset.core.upgrade;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.sidecarset.api.HotUpgradeSlots;
import io.sidecarset.api.SidecarSetAnnotations;
import io.sidecarset.api.pod.HotUpgradeProgress;
import io.sidecarset.api.pod.InPlaceUpdateState;
import io.sidecarset.api.v1alpha1.SidecarContainer;
import io.sidecarset.api.v1alpha1.SidecarSet;
import io.sidecarset.core.match.LabelSelectorMatcher;
import io.sidecarset.core.pod.PodSidecarSetHash;
import io.sidecarset.core.pod.PodSidecarSetHashes;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * One pod seen through one SidecarSet: is it the set's, is it on the set's hash, can it take the
 * change in place, is it ready, and is an earlier change still being applied. Computed once per
 * plan, so that every rule reads the same facts.
 */
final class SidecarSetPod {

  static final String PHASE_RUNNING = "Running";
  static final String PHASE_SUCCEEDED = "Succeeded";
  static final String PHASE_FAILED = "Failed";
  static final String CONDITION_READY = "Ready";

  final Pod pod;
  final PodRef ref;
  final PodSidecarSetHash hashEntry;
  final boolean updated;
  final boolean upgradableInPlace;
  final boolean selectedForUpdate;
  final boolean podReady;
  final List<Container> coldContainers;
  final List<HotSidecar> hotSidecars;
  final Map<String, ContainerStatus> statuses;
  final InPlaceUpdateState inPlaceState;
  final boolean consistent;
  final boolean readyButInconsistent;

  private SidecarSetPod(
      Pod pod,
      PodSidecarSetHash hashEntry,
      boolean updated,
      boolean upgradableInPlace,
      boolean selectedForUpdate,
      List<Container> coldContainers,
      List<HotSidecar> hotSidecars,
      Map<String, ContainerStatus> statuses,
      InPlaceUpdateState inPlaceState) {
    this.pod = pod;
    this.ref = PodRef.of(pod);
    this.hashEntry = hashEntry;
    this.updated = updated;
    this.upgradableInPlace = upgradableInPlace;
    this.selectedForUpdate = selectedForUpdate;
    this.podReady = isRunningAndReady(pod);
    this.coldContainers = coldContainers;
    this.hotSidecars = hotSidecars;
    this.statuses = statuses;
    this.inPlaceState = inPlaceState;
    boolean allConsistent = true;
    boolean anyReadyInconsistent = false;
    for (Container c : setContainers()) {
      ContainerStatus status = statuses.get(c.getName());
      boolean ok = ContainerImages.consistent(c, status, recorded(c.getName()));
      allConsistent &= ok;
      if (!ok && status != null && Boolean.TRUE.equals(status.getReady())) {
        anyReadyInconsistent = true;
      }
    }
    this.consistent = allConsistent;
    this.readyButInconsistent = anyReadyInconsistent;
  }

  /**
   * The pod as the set's, or empty when it is not: inactive (terminating, finished), not injected
   * by the set, out of the set's selector or namespace, or without the set's container layout.
   */
  static Optional<SidecarSetPod> of(
      SidecarSet set, String setHash, String setHashWithoutImage, Pod pod) {
    if (!isActive(pod) || !isInjectedBy(set, pod)) {
      return Optional.empty();
    }
    Map<String, String> annotations = annotations(pod);
    String setName = set.getMetadata().getName();
    PodSidecarSetHash hashEntry =
        PodSidecarSetHashes.read(annotations, SidecarSetAnnotations.HASH, setName).orElse(null);
    if (hashEntry == null) {
      return Optional.empty();
    }
    Map<String, Container> containers = new HashMap<>();
    if (pod.getSpec() != null && pod.getSpec().getContainers() != null) {
      pod.getSpec().getContainers().forEach(c -> containers.put(c.getName(), c));
    }
    Map<String, ContainerStatus> statuses = new HashMap<>();
    if (pod.getStatus() != null && pod.getStatus().getContainerStatuses() != null) {
      pod.getStatus().getContainerStatuses().forEach(s -> statuses.put(s.getName(), s));
    }
    Map<String, String> workingSlots = JsonMapAnnotation.WORKING_SLOTS.read(annotations);
    Map<String, HotUpgradeProgress> progress =
        JsonMapAnnotation.HOT_UPGRADE_STATE.read(annotations);

    List<Container> cold = new ArrayList<>();
    List<HotSidecar> hot = new ArrayList<>();
    for (SidecarContainer sidecar : set.getSpec().containersOrEmpty()) {
      String name = sidecar.getName();
      if (!sidecar.isHotUpgrade()) {
        Container c = containers.get(name);
        if (c == null) {
          return Optional.empty();
        }
        cold.add(c);
        continue;
      }
      String workingName = workingSlots.get(name);
      Optional<String> spareName = HotUpgradeSlots.other(workingName);
      if (workingName == null
          || spareName.isEmpty()
          || !HotUpgradeSlots.both(name).contains(workingName)) {
        return Optional.empty();
      }
      Container working = containers.get(workingName);
      Container spare = containers.get(spareName.get());
      if (working == null || spare == null) {
        return Optional.empty();
      }
      hot.add(
          new HotSidecar(
              name,
              sidecar.getImage(),
              sidecar.getUpgradeStrategy().getHotUpgradeEmptyImage(),
              working,
              spare,
              statuses.get(working.getName()),
              statuses.get(spare.getName()),
              progress.get(name)));
    }

    boolean updated = setHash.equals(hashEntry.hash());
    boolean upgradableInPlace =
        updated
            || PodSidecarSetHashes.read(
                    annotations, SidecarSetAnnotations.HASH_WITHOUT_IMAGE, setName)
                .map(e -> setHashWithoutImage.equals(e.hash()))
                .orElse(false);
    var strategySelector = set.getSpec().updateStrategyOrDefault().getSelector();
    boolean selected =
        strategySelector == null
            || LabelSelectorMatcher.matches(strategySelector, pod.getMetadata().getLabels());
    InPlaceUpdateState inPlace =
        JsonMapAnnotation.INPLACE_UPDATE_STATE.read(annotations).get(setName);
    return Optional.of(
        new SidecarSetPod(
            pod, hashEntry, updated, upgradableInPlace, selected, cold, hot, statuses, inPlace));
  }

  /** Every container of the set in this pod: cold sidecars and both slots of hot ones. */
  List<Container> setContainers() {
    List<Container> all = new ArrayList<>(coldContainers);
    for (HotSidecar h : hotSidecars) {
      all.add(h.working());
      all.add(h.spare());
    }
    return all;
  }

  InPlaceUpdateState.LastContainerStatus recorded(String containerName) {
    if (inPlaceState == null || inPlaceState.lastContainerStatuses() == null) {
      return null;
    }
    return inPlaceState.lastContainerStatuses().get(containerName);
  }

  boolean containerConsistent(Container c) {
    return ContainerImages.consistent(c, statuses.get(c.getName()), recorded(c.getName()));
  }

  /** Some hot sidecar's spare slot is not on the empty image. */
  boolean spareBusy() {
    return hotSidecars.stream().anyMatch(HotSidecar::spareBusy);
  }

  /**
   * Kruise's "ready" for a SidecarSet pod: running and ready, every container of the set runs its
   * spec image, and every spare slot is on the empty image.
   */
  boolean available() {
    return podReady && consistent && !spareBusy();
  }

  /**
   * The set made this pod unavailable: it is on the set's hash, or one of the set's containers is
   * still being changed. A pod that is merely not ready on its own does not count against
   * maxUnavailable (Kruise upgrades such pods without budget).
   */
  boolean unavailableByUpgrade() {
    return !available() && (updated || !consistent || spareBusy());
  }

  /** A new upgrade may start on this pod now (leaving aside partition and budget). */
  boolean candidate() {
    return !updated
        && selectedForUpdate
        && upgradableInPlace
        && !spareBusy()
        && !readyButInconsistent;
  }

  /** Not on the set's hash and unable to take the change in place. */
  boolean notUpgradable() {
    return !updated && !upgradableInPlace;
  }

  String namespacedName() {
    return ref.toString();
  }

  static boolean isActive(Pod pod) {
    if (pod.getMetadata() == null || pod.getMetadata().getDeletionTimestamp() != null) {
      return false;
    }
    String phase = pod.getStatus() == null ? null : pod.getStatus().getPhase();
    return !PHASE_SUCCEEDED.equals(phase) && !PHASE_FAILED.equals(phase);
  }

  static boolean isInjectedBy(SidecarSet set, Pod pod) {
    String list = annotations(pod).get(SidecarSetAnnotations.INJECTED_LIST);
    if (list == null || list.isBlank()) {
      return false;
    }
    Set<String> names = new HashSet<>(Arrays.asList(list.split(",")));
    if (!names.contains(set.getMetadata().getName())) {
      return false;
    }
    String namespace = set.getSpec().getNamespace();
    if (namespace != null
        && !namespace.isEmpty()
        && !namespace.equals(pod.getMetadata().getNamespace())) {
      return false;
    }
    return LabelSelectorMatcher.matches(set.getSpec().getSelector(), pod.getMetadata().getLabels());
  }

  static boolean isRunningAndReady(Pod pod) {
    if (pod.getStatus() == null || !PHASE_RUNNING.equals(pod.getStatus().getPhase())) {
      return false;
    }
    PodCondition ready = readyCondition(pod);
    return ready != null && "True".equals(ready.getStatus());
  }

  static PodCondition readyCondition(Pod pod) {
    if (pod.getStatus() == null || pod.getStatus().getConditions() == null) {
      return null;
    }
    return pod.getStatus().getConditions().stream()
        .filter(c -> CONDITION_READY.equals(c.getType()))
        .findFirst()
        .orElse(null);
  }

  static Map<String, String> annotations(Pod pod) {
    Map<String, String> a = pod.getMetadata().getAnnotations();
    return a == null ? Map.of() : a;
  }
}
