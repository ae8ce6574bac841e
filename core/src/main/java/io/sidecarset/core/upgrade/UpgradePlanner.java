package io.sidecarset.core.upgrade;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.sidecarset.api.HotUpgradeSlots;
import io.sidecarset.api.SidecarSetAnnotations;
import io.sidecarset.api.SidecarSetConditions;
import io.sidecarset.api.pod.HotUpgradeProgress;
import io.sidecarset.api.pod.InPlaceUpdateState;
import io.sidecarset.api.pod.InPlaceUpdateState.LastContainerStatus;
import io.sidecarset.api.v1alpha1.SidecarContainer;
import io.sidecarset.api.v1alpha1.SidecarSet;
import io.sidecarset.api.v1alpha1.SidecarSetStatus;
import io.sidecarset.api.v1alpha1.SidecarSetUpdateStrategy;
import io.sidecarset.core.hash.SidecarSetHasher;
import io.sidecarset.core.pod.PodSidecarSetHash;
import io.sidecarset.core.pod.PodSidecarSetHashes;
import io.sidecarset.core.status.RolloutGate;
import io.sidecarset.core.status.RolloutSnapshot;
import io.sidecarset.core.status.SidecarSetStatusCalculator;
import io.sidecarset.core.status.StatusConditions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;

/**
 * Decides the next steps of a SidecarSet rollout from the set, its pods and the time, and computes
 * the set's status. It does no I/O and keeps no state between calls: everything it needs is in the
 * pods' annotations and statuses and in the set, so a restarted controller plans exactly where the
 * last one stopped.
 *
 * <p>Each call plans, in this order:
 *
 * <ol>
 *   <li>rollbacks of hot upgrades that did not finish within {@code hotUpgradeTimeoutSeconds};
 *   <li>resets of hot upgrades whose new slot took over (the pod is ready again);
 *   <li>unless the rollout is paused, {@code NotUpdate}, or paused after a rollback at this
 *       generation: new upgrades, chosen in Kruise's order within {@code partition} and {@code
 *       maxUnavailable}, never on a pod whose previous upgrade is unfinished;
 *   <li>the {@code SidecarSetUpgradable} pod condition where it must change.
 * </ol>
 *
 * Steps 1 and 2 run whatever the gate, so pausing never strands a pod half-way.
 */
public final class UpgradePlanner {

  /** Plan again this soon after taking steps (the cache catches up, conflicts get replanned). */
  public static final Duration RECHECK_AFTER_ACTIONS = Duration.ofSeconds(1);

  /** Plan again at least this often while upgrades are in flight. */
  public static final Duration RECHECK_WHILE_IN_FLIGHT = Duration.ofSeconds(5);

  /**
   * The next steps for {@code set} and its status.
   *
   * @param set the SidecarSet, with its current status (its conditions carry the pause after a
   *     rollback)
   * @param pods candidate pods with their statuses; pods not injected by the set are ignored
   * @param now the time, for timeouts and timestamps
   */
  public UpgradePlan plan(SidecarSet set, Collection<Pod> pods, Instant now) {
    Rollout r = new Rollout(set, now);

    // 1. the set's pods, in a stable order
    List<SidecarSetPod> matched =
        pods.stream()
            .map(p -> SidecarSetPod.of(set, r.hash, r.hashWithoutImage, p))
            .flatMap(Optional::stream)
            .sorted(Comparator.comparing(SidecarSetPod::namespacedName))
            .toList();

    List<UpgradeAction> actions = new ArrayList<>();
    TreeSet<String> pausingRollbacks = new TreeSet<>();
    TreeSet<String> rolledBack = new TreeSet<>();
    Map<String, SidecarSetPod> touched = new HashMap<>();

    // 2. finish or undo started hot upgrades, whatever the gate
    for (SidecarSetPod p : matched) {
      Optional<PodPatchAction> step = rollback(r, p).or(() -> reset(r, p));
      step.ifPresent(
          a -> {
            actions.add(a);
            touched.put(p.namespacedName(), p);
            if (a instanceof HotUpgradeRollback rb) {
              rolledBack.add(p.namespacedName());
              if (rb.pausesRollout()) {
                pausingRollbacks.add(p.namespacedName());
              }
            }
          });
      for (HotSidecar h : p.hotSidecars) {
        HotUpgradeProgress progress = h.progress();
        if (progress != null && progress.isRolledBack() && !p.updated) {
          rolledBack.add(p.namespacedName());
          if (r.generation == orZero(progress.rolledBackGeneration())
              && r.hash.equals(progress.targetHash())) {
            pausingRollbacks.add(p.namespacedName());
          }
        }
      }
    }

    // 3. may new upgrades start?
    RolloutGate gate = gate(r, !pausingRollbacks.isEmpty());

    // 4. new upgrades, within partition and maxUnavailable
    List<SidecarSetPod> candidates =
        matched.stream()
            .filter(SidecarSetPod::candidate)
            .filter(p -> !touched.containsKey(p.namespacedName()))
            .toList();
    int partition = RolloutBudget.partition(r.strategy.getPartition(), matched.size());
    int waiting = Math.max(0, candidates.size() - partition);
    if (gate == RolloutGate.OPEN) {
      for (SidecarSetPod p : choose(r, matched, candidates, waiting)) {
        actions.add(upgrade(r, p));
        PodCondition upgradable = UpgradableCondition.changed(p.pod, r.name, true, now);
        if (upgradable != null) {
          actions.add(
              new MarkUpgradable(
                  p.ref, r.name, new PodEditor(p.pod).condition(upgradable).build()));
        }
      }
    }

    // 5. tell pods whether the set can upgrade them in place
    List<String> notUpgradable = new ArrayList<>();
    for (SidecarSetPod p : matched) {
      if (p.notUpgradable() && p.selectedForUpdate) {
        notUpgradable.add(p.namespacedName());
        if (gate != RolloutGate.NOT_UPDATE && !touched.containsKey(p.namespacedName())) {
          PodCondition c = UpgradableCondition.changed(p.pod, r.name, false, now);
          if (c != null) {
            actions.add(
                new MarkNotUpgradable(
                    p.ref,
                    r.name,
                    SidecarSetConditions.REASON_UPDATE_IMMUTABLE_FIELD,
                    "SidecarSet "
                        + r.name
                        + " changed a field other than an image; a running pod takes only image"
                        + " changes, so this pod keeps its sidecars until it is recreated",
                    new PodEditor(p.pod).condition(c).build()));
          }
        }
      } else if (p.upgradableInPlace
          && Boolean.FALSE.equals(UpgradableCondition.entry(p.pod, r.name))
          && actions.stream().noneMatch(a -> a.pod().equals(p.ref))) {
        PodCondition c = UpgradableCondition.changed(p.pod, r.name, true, now);
        actions.add(new MarkUpgradable(p.ref, r.name, new PodEditor(p.pod).condition(c).build()));
      }
    }

    // 6. where the rollout stands
    int inFlight = (int) matched.stream().filter(SidecarSetPod::unavailableByUpgrade).count();
    RolloutSnapshot snapshot =
        new RolloutSnapshot(
            r.generation,
            r.hash,
            matched.size(),
            (int) matched.stream().filter(p -> p.updated).count(),
            (int) matched.stream().filter(SidecarSetPod::available).count(),
            (int) matched.stream().filter(p -> p.updated && p.available()).count(),
            waiting,
            inFlight,
            List.copyOf(notUpgradable),
            List.copyOf(rolledBack),
            gate,
            gate == RolloutGate.PAUSED_AFTER_ROLLBACK ? List.copyOf(pausingRollbacks) : List.of());
    SidecarSetStatus status = SidecarSetStatusCalculator.calculate(set, snapshot, now);
    return new UpgradePlan(
        List.copyOf(actions), status, snapshot, recheckAfter(r, matched, actions, gate, waiting));
  }

  /** The facts about the set that every rule reads. */
  private static final class Rollout {
    final SidecarSet set;
    final String name;
    final String hash;
    final String hashWithoutImage;
    final long generation;
    final SidecarSetUpdateStrategy strategy;
    final Duration timeout;
    final Instant now;
    final String nowText;

    Rollout(SidecarSet set, Instant now) {
      this.set = set;
      this.name = set.getMetadata().getName();
      this.hash = SidecarSetHasher.hash(set);
      this.hashWithoutImage = SidecarSetHasher.hashWithoutImage(set);
      this.generation = orZero(set.getMetadata().getGeneration());
      this.strategy = set.getSpec().updateStrategyOrDefault();
      this.timeout = Duration.ofSeconds(strategy.hotUpgradeTimeoutSecondsOrDefault());
      this.now = now;
      this.nowText = StatusConditions.rfc3339(now);
    }

    SidecarContainer sidecar(String name) {
      return set.getSpec().containersOrEmpty().stream()
          .filter(c -> name.equals(c.getName()))
          .findFirst()
          .orElseThrow();
    }
  }

  private static RolloutGate gate(Rollout r, boolean rollbackAtThisGeneration) {
    if (SidecarSetUpdateStrategy.NOT_UPDATE.equals(r.strategy.typeOrDefault())) {
      return RolloutGate.NOT_UPDATE;
    }
    if (r.strategy.isPaused()) {
      return RolloutGate.PAUSED_BY_USER;
    }
    if (rollbackAtThisGeneration || pausedByStatus(r)) {
      return RolloutGate.PAUSED_AFTER_ROLLBACK;
    }
    return RolloutGate.OPEN;
  }

  /**
   * The stored status says the rollout paused after a rollback at this generation: honoured even if
   * the rolled-back pods are gone, until the spec changes.
   */
  private static boolean pausedByStatus(Rollout r) {
    if (r.set.getStatus() == null) {
      return false;
    }
    Condition paused =
        StatusConditions.find(r.set.getStatus().getConditions(), SidecarSetConditions.PAUSED);
    return paused != null
        && SidecarSetConditions.STATUS_TRUE.equals(paused.getStatus())
        && SidecarSetConditions.REASON_PAUSED_AFTER_ROLLBACK.equals(paused.getReason())
        && paused.getObservedGeneration() != null
        && paused.getObservedGeneration() == r.generation;
  }

  /**
   * Kruise's choice: the first {@code waiting} candidates in upgrade order, where a ready candidate
   * takes one unit of the maxUnavailable budget left by the pods the rollout already made
   * unavailable, and a candidate that is not ready takes none.
   */
  private static List<SidecarSetPod> choose(
      Rollout r, List<SidecarSetPod> matched, List<SidecarSetPod> candidates, int waiting) {
    if (waiting <= 0) {
      return List.of();
    }
    int maxUnavailable =
        RolloutBudget.maxUnavailable(r.strategy.maxUnavailableOrDefault(), matched.size());
    int unavailable = (int) matched.stream().filter(SidecarSetPod::unavailableByUpgrade).count();
    Map<Pod, SidecarSetPod> byPod = new LinkedHashMap<>();
    candidates.forEach(p -> byPod.put(p.pod, p));
    List<Pod> order =
        UpgradeOrder.sort(
            r.strategy,
            candidates.stream().map(p -> p.pod).toList(),
            matched.stream().map(p -> p.pod).toList());
    List<SidecarSetPod> chosen = new ArrayList<>();
    for (Pod pod : order.subList(0, Math.min(waiting, order.size()))) {
      SidecarSetPod p = byPod.get(pod);
      if (!p.available()) {
        chosen.add(p);
        continue;
      }
      if (unavailable >= maxUnavailable) {
        break;
      }
      unavailable++;
      chosen.add(p);
    }
    return chosen;
  }

  // ---------------------------------------------------------------- step 4: upgrade

  private static PodPatchAction upgrade(Rollout r, SidecarSetPod p) {
    PodEditor edit = new PodEditor(p.pod);
    Map<String, String> annotations = SidecarSetPod.annotations(p.pod);
    Map<String, LastContainerStatus> recorded = new LinkedHashMap<>();

    Map<String, String> coldImages = new LinkedHashMap<>();
    for (Container c : p.coldContainers) {
      String target = r.sidecar(c.getName()).getImage();
      if (!ContainerImages.same(c.getImage(), target)) {
        edit.image(c.getName(), target);
        coldImages.put(c.getName(), target);
        recorded.put(c.getName(), lastStatus(p, c.getName()));
      }
    }

    List<HotUpgradeStart.SlotSwitch> switches = new ArrayList<>();
    Map<String, String> working = JsonMapAnnotation.WORKING_SLOTS.read(annotations);
    Map<String, HotUpgradeProgress> progress =
        JsonMapAnnotation.HOT_UPGRADE_STATE.read(annotations);
    for (HotSidecar h : p.hotSidecars) {
      if (!h.needsSwitch()) {
        continue;
      }
      String from = h.working().getName();
      String to = h.spare().getName();
      long fromVersion = version(annotations, SidecarSetAnnotations.version(from));
      long toVersion = Math.max(fromVersion, 0) + 1;
      edit.image(to, h.targetImage());
      working.put(h.name(), to);
      edit.annotation(SidecarSetAnnotations.version(to), Long.toString(toVersion));
      edit.annotation(
          SidecarSetAnnotations.versionAlt(to), Long.toString(Math.max(fromVersion, 0)));
      edit.annotation(SidecarSetAnnotations.versionAlt(from), Long.toString(toVersion));
      progress.put(
          h.name(),
          new HotUpgradeProgress(
              HotUpgradeProgress.UPGRADING,
              r.name,
              from,
              to,
              h.working().getImage(),
              h.targetImage(),
              r.hash,
              p.hashEntry.hash(),
              versionAnnotations(annotations, h.name()),
              r.generation,
              null,
              r.nowText,
              null,
              null,
              null,
              null));
      recorded.put(to, lastStatus(p, to));
      switches.add(new HotUpgradeStart.SlotSwitch(h.name(), from, to, h.targetImage(), toVersion));
    }

    Map<String, PodSidecarSetHash> hashes =
        PodSidecarSetHashes.read(annotations, SidecarSetAnnotations.HASH);
    hashes.put(r.name, new PodSidecarSetHash(r.hash, r.name, sidecarList(r, p), r.nowText));
    edit.annotation(SidecarSetAnnotations.HASH, PodSidecarSetHashes.write(hashes));
    if (!switches.isEmpty()) {
      edit.annotation(
          JsonMapAnnotation.WORKING_SLOTS.key(), JsonMapAnnotation.WORKING_SLOTS.write(working));
      edit.annotation(
          JsonMapAnnotation.HOT_UPGRADE_STATE.key(),
          JsonMapAnnotation.HOT_UPGRADE_STATE.write(progress));
    }
    recordInPlaceState(r, p, edit, recorded);
    if (switches.isEmpty()) {
      return new ColdUpgrade(p.ref, r.name, Map.copyOf(coldImages), edit.build());
    }
    return new HotUpgradeStart(
        p.ref, r.name, List.copyOf(switches), Map.copyOf(coldImages), edit.build());
  }

  // ---------------------------------------------------------------- step 2: reset

  /**
   * Reset the old slot of every hot sidecar whose new slot is ready and runs its image, once the
   * pod is ready (or every container but the old slots is) and the set's other containers are
   * consistent.
   */
  private static Optional<PodPatchAction> reset(Rollout r, SidecarSetPod p) {
    List<HotSidecar> busy = p.hotSidecars.stream().filter(HotSidecar::spareBusy).toList();
    if (busy.isEmpty() || !readyExceptSpares(p, busy) || !consistentExceptSpares(p, busy)) {
      return Optional.empty();
    }
    List<HotSidecar> migrated = busy.stream().filter(h -> migrated(p, h)).toList();
    if (migrated.isEmpty()) {
      return Optional.empty();
    }
    Map<String, String> annotations = SidecarSetPod.annotations(p.pod);
    PodEditor edit = new PodEditor(p.pod);
    Map<String, HotUpgradeProgress> progress =
        JsonMapAnnotation.HOT_UPGRADE_STATE.read(annotations);
    Map<String, LastContainerStatus> recorded = new LinkedHashMap<>();
    List<HotUpgradeReset.SlotReset> resets = new ArrayList<>();
    for (HotSidecar h : migrated) {
      String old = h.spare().getName();
      String current = h.working().getName();
      edit.image(old, h.emptyImage());
      edit.annotation(SidecarSetAnnotations.version(old), HotUpgradeSlots.EMPTY_VERSION);
      edit.annotation(SidecarSetAnnotations.versionAlt(current), HotUpgradeSlots.EMPTY_VERSION);
      recorded.put(old, lastStatus(p, old));
      HotUpgradeProgress before = h.progress();
      Duration migration = null;
      if (h.upgrading()) {
        Instant started = parse(before.startedAt());
        Instant migratedAt = migratedAt(p, started, r.now);
        migration = started == null ? null : Duration.between(started, migratedAt);
        progress.put(
            h.name(),
            new HotUpgradeProgress(
                HotUpgradeProgress.COMPLETED,
                before.sidecarSet(),
                before.fromSlot(),
                before.toSlot(),
                before.fromImage(),
                before.toImage(),
                before.targetHash(),
                before.previousHash(),
                before.previousVersions(),
                before.generation(),
                null,
                before.startedAt(),
                StatusConditions.rfc3339(migratedAt),
                r.nowText,
                null,
                null));
      }
      resets.add(new HotUpgradeReset.SlotReset(h.name(), old, current, h.emptyImage(), migration));
    }
    edit.annotation(
        JsonMapAnnotation.HOT_UPGRADE_STATE.key(),
        JsonMapAnnotation.HOT_UPGRADE_STATE.write(progress));
    recordInPlaceState(r, p, edit, recorded);
    return Optional.of(new HotUpgradeReset(p.ref, r.name, List.copyOf(resets), edit.build()));
  }

  /** The new slot took over: it reports ready and runs its spec image. */
  private static boolean migrated(SidecarSetPod p, HotSidecar h) {
    return h.workingReady() && p.containerConsistent(h.working());
  }

  private static boolean readyExceptSpares(SidecarSetPod p, List<HotSidecar> busy) {
    if (p.podReady) {
      return true;
    }
    if (p.pod.getStatus() == null || p.pod.getStatus().getContainerStatuses() == null) {
      return false;
    }
    var spares = busy.stream().map(h -> h.spare().getName()).toList();
    int expected = p.pod.getSpec().getContainers().size();
    List<ContainerStatus> statuses = p.pod.getStatus().getContainerStatuses();
    return statuses.size() == expected
        && statuses.stream()
            .filter(s -> !spares.contains(s.getName()))
            .allMatch(s -> Boolean.TRUE.equals(s.getReady()));
  }

  private static boolean consistentExceptSpares(SidecarSetPod p, List<HotSidecar> busy) {
    var spares = busy.stream().map(h -> h.spare().getName()).toList();
    return p.setContainers().stream()
        .filter(c -> !spares.contains(c.getName()))
        .allMatch(p::containerConsistent);
  }

  /** When the pod became ready after the upgrade started, or now if that is unknown. */
  private static Instant migratedAt(SidecarSetPod p, Instant started, Instant now) {
    PodCondition ready = SidecarSetPod.readyCondition(p.pod);
    if (started != null && ready != null && "True".equals(ready.getStatus())) {
      Instant since = parse(ready.getLastTransitionTime());
      if (since != null && !since.isBefore(started) && !since.isAfter(now)) {
        return since;
      }
    }
    return now;
  }

  // ---------------------------------------------------------------- step 1: rollback

  /**
   * Roll back every hot sidecar whose upgrade started more than the timeout ago and whose new slot
   * has not taken over.
   */
  private static Optional<PodPatchAction> rollback(Rollout r, SidecarSetPod p) {
    List<HotSidecar> late = new ArrayList<>();
    for (HotSidecar h : p.hotSidecars) {
      if (!h.spareBusy() || !h.upgrading() || migrated(p, h)) {
        continue;
      }
      Instant started = parse(h.progress().startedAt());
      if (started != null && !r.now.isBefore(started.plus(r.timeout))) {
        late.add(h);
      }
    }
    if (late.isEmpty()) {
      return Optional.empty();
    }
    Map<String, String> annotations = SidecarSetPod.annotations(p.pod);
    PodEditor edit = new PodEditor(p.pod);
    Map<String, String> working = JsonMapAnnotation.WORKING_SLOTS.read(annotations);
    Map<String, HotUpgradeProgress> progress =
        JsonMapAnnotation.HOT_UPGRADE_STATE.read(annotations);
    Map<String, LastContainerStatus> recorded = new LinkedHashMap<>();
    List<HotUpgradeRollback.SlotRollback> rollbacks = new ArrayList<>();
    boolean pauses = false;
    String previousHash = null;
    for (HotSidecar h : late) {
      HotUpgradeProgress before = h.progress();
      String failed = h.working().getName();
      String restored = before.fromSlot();
      edit.image(failed, h.emptyImage());
      working.put(h.name(), restored);
      if (before.previousVersions() != null) {
        before.previousVersions().forEach(edit::annotation);
      }
      recorded.put(failed, lastStatus(p, failed));
      Duration waited = Duration.between(parse(before.startedAt()), r.now);
      boolean targetsCurrent = r.hash.equals(before.targetHash());
      pauses |= targetsCurrent;
      if (before.previousHash() != null) {
        previousHash = before.previousHash();
      }
      String message =
          failed
              + " on "
              + h.working().getImage()
              + " did not take over within "
              + r.timeout.toSeconds()
              + "s";
      progress.put(
          h.name(),
          new HotUpgradeProgress(
              HotUpgradeProgress.ROLLED_BACK,
              before.sidecarSet(),
              before.fromSlot(),
              before.toSlot(),
              before.fromImage(),
              before.toImage(),
              before.targetHash(),
              before.previousHash(),
              before.previousVersions(),
              before.generation(),
              r.generation,
              before.startedAt(),
              null,
              null,
              r.nowText,
              message));
      rollbacks.add(
          new HotUpgradeRollback.SlotRollback(
              h.name(), failed, restored, h.working().getImage(), h.emptyImage(), waited));
    }
    edit.annotation(
        JsonMapAnnotation.WORKING_SLOTS.key(), JsonMapAnnotation.WORKING_SLOTS.write(working));
    edit.annotation(
        JsonMapAnnotation.HOT_UPGRADE_STATE.key(),
        JsonMapAnnotation.HOT_UPGRADE_STATE.write(progress));
    if (previousHash != null) {
      Map<String, PodSidecarSetHash> hashes =
          PodSidecarSetHashes.read(annotations, SidecarSetAnnotations.HASH);
      hashes.put(r.name, new PodSidecarSetHash(previousHash, r.name, sidecarList(r, p), r.nowText));
      edit.annotation(SidecarSetAnnotations.HASH, PodSidecarSetHashes.write(hashes));
    }
    recordInPlaceState(r, p, edit, recorded);
    return Optional.of(
        new HotUpgradeRollback(p.ref, r.name, List.copyOf(rollbacks), pauses, edit.build()));
  }

  // ---------------------------------------------------------------- helpers

  private static Optional<Duration> recheckAfter(
      Rollout r,
      List<SidecarSetPod> matched,
      List<UpgradeAction> actions,
      RolloutGate gate,
      int waiting) {
    if (!actions.isEmpty()) {
      return Optional.of(RECHECK_AFTER_ACTIONS);
    }
    Duration next = null;
    for (SidecarSetPod p : matched) {
      for (HotSidecar h : p.hotSidecars) {
        if (h.spareBusy() && h.upgrading()) {
          Instant started = parse(h.progress().startedAt());
          Duration untilDeadline =
              started == null
                  ? RECHECK_WHILE_IN_FLIGHT
                  : Duration.between(r.now, started.plus(r.timeout));
          next = min(next, untilDeadline);
        }
      }
      if (p.unavailableByUpgrade()) {
        next = min(next, RECHECK_WHILE_IN_FLIGHT);
      }
    }
    if (gate == RolloutGate.OPEN && waiting > 0) {
      next = min(next, RECHECK_WHILE_IN_FLIGHT);
    }
    if (next == null) {
      return Optional.empty();
    }
    next = min(next, RECHECK_WHILE_IN_FLIGHT);
    return Optional.of(next.compareTo(RECHECK_AFTER_ACTIONS) < 0 ? RECHECK_AFTER_ACTIONS : next);
  }

  private static Duration min(Duration a, Duration b) {
    return a == null || b.compareTo(a) < 0 ? b : a;
  }

  private static void recordInPlaceState(
      Rollout r, SidecarSetPod p, PodEditor edit, Map<String, LastContainerStatus> recorded) {
    if (recorded.isEmpty()) {
      return;
    }
    Map<String, InPlaceUpdateState> states =
        JsonMapAnnotation.INPLACE_UPDATE_STATE.read(SidecarSetPod.annotations(p.pod));
    Map<String, LastContainerStatus> merged = new LinkedHashMap<>();
    InPlaceUpdateState before = states.get(r.name);
    if (before != null && before.lastContainerStatuses() != null) {
      merged.putAll(before.lastContainerStatuses());
    }
    merged.putAll(recorded);
    states.put(r.name, new InPlaceUpdateState(r.hash, r.nowText, merged));
    edit.annotation(
        JsonMapAnnotation.INPLACE_UPDATE_STATE.key(),
        JsonMapAnnotation.INPLACE_UPDATE_STATE.write(states));
  }

  private static LastContainerStatus lastStatus(SidecarSetPod p, String container) {
    ContainerStatus s = p.statuses.get(container);
    return new LastContainerStatus(s == null || s.getImageID() == null ? "" : s.getImageID());
  }

  private static List<String> sidecarList(Rollout r, SidecarSetPod p) {
    if (p.hashEntry.sidecarList() != null && !p.hashEntry.sidecarList().isEmpty()) {
      return p.hashEntry.sidecarList();
    }
    return r.set.getSpec().containersOrEmpty().stream().map(Container::getName).toList();
  }

  /** The four version annotations of a hot sidecar's slots, as they are now. */
  private static Map<String, String> versionAnnotations(
      Map<String, String> annotations, String sidecar) {
    Map<String, String> versions = new LinkedHashMap<>();
    for (String slot : HotUpgradeSlots.both(sidecar)) {
      for (String key :
          List.of(SidecarSetAnnotations.version(slot), SidecarSetAnnotations.versionAlt(slot))) {
        String value = annotations.get(key);
        if (value != null) {
          versions.put(key, value);
        }
      }
    }
    return versions;
  }

  private static long version(Map<String, String> annotations, String key) {
    String value = annotations.get(key);
    if (value == null) {
      return 0;
    }
    try {
      return Long.parseLong(value.trim());
    } catch (NumberFormatException e) {
      return 0;
    }
  }

  private static Instant parse(String time) {
    if (time == null || time.isEmpty()) {
      return null;
    }
    try {
      return Instant.parse(time);
    } catch (RuntimeException e) {
      return null;
    }
  }

  private static long orZero(Long value) {
    return value == null ? 0 : value;
  }
}
