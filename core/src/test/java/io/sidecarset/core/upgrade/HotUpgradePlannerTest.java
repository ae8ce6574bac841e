package io.sidecarset.core.upgrade;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.Pod;
import io.sidecarset.api.SidecarSetAnnotations;
import io.sidecarset.api.SidecarSetConditions;
import io.sidecarset.api.SidecarSetEvents;
import io.sidecarset.api.pod.HotUpgradeProgress;
import io.sidecarset.api.v1alpha1.SidecarContainer;
import io.sidecarset.api.v1alpha1.SidecarSet;
import io.sidecarset.core.hash.SidecarSetHasher;
import io.sidecarset.core.pod.PodSidecarSetHashes;
import io.sidecarset.core.status.StatusConditions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The hot-upgrade state machine, step by step, on one or a few pods. */
class HotUpgradePlannerTest {

  static final SidecarSet V1 = SidecarSets.hot("proxy:v1");

  static String image(Pod pod, String container) {
    return pod.getSpec().getContainers().stream()
        .filter(c -> c.getName().equals(container))
        .findFirst()
        .orElseThrow()
        .getImage();
  }

  static Map<String, String> annotations(Pod pod) {
    return pod.getMetadata().getAnnotations();
  }

  static Map<String, String> versions(Pod pod) {
    Map<String, String> a = annotations(pod);
    return Map.of(
        "v1", a.get(SidecarSetAnnotations.version("proxy-1")),
        "alt1", a.get(SidecarSetAnnotations.versionAlt("proxy-1")),
        "v2", a.get(SidecarSetAnnotations.version("proxy-2")),
        "alt2", a.get(SidecarSetAnnotations.versionAlt("proxy-2")));
  }

  static String working(Pod pod) {
    return JsonMapAnnotation.WORKING_SLOTS.read(annotations(pod)).get("proxy");
  }

  static HotUpgradeProgress progress(Pod pod) {
    return JsonMapAnnotation.HOT_UPGRADE_STATE.read(annotations(pod)).get("proxy");
  }

  static String hash(Pod pod) {
    return PodSidecarSetHashes.read(annotations(pod), SidecarSetAnnotations.HASH, SidecarSets.NAME)
        .orElseThrow()
        .hash();
  }

  static Condition condition(SidecarSet set, String type) {
    return StatusConditions.find(set.getStatus().getConditions(), type);
  }

  /** Runs rounds (plan, apply, kubelet) until a plan has no action; returns the actions taken. */
  static List<UpgradeAction> settle(RolloutSimulation sim) {
    int before = sim.applied.size();
    for (int i = 0; i < 50; i++) {
      if (sim.round().isEmpty()) {
        return sim.applied.subList(before, sim.applied.size());
      }
      sim.kubelet().advance(Duration.ofSeconds(2));
    }
    throw new AssertionError("the rollout did not settle in 50 rounds");
  }

  @Test
  void hotUpgrade_upgradesTheSpareSlot_thenResetsTheOldOne_withVersionsAndHashInStep() {
    RolloutSimulation sim = new RolloutSimulation(V1, List.of(InjectedPods.injected(V1, "pod-a")));
    sim.set = SidecarSets.withImage(V1, "proxy:v2");
    String v1Hash = SidecarSetHasher.hash(V1);
    String v2Hash = SidecarSetHasher.hash(sim.set);

    // step 1: upgrade, one patch
    List<UpgradeAction> upgrade = sim.round();
    assertThat(upgrade).hasSize(2);
    HotUpgradeStart start = (HotUpgradeStart) upgrade.get(0);
    assertThat(upgrade.get(1)).isInstanceOf(MarkUpgradable.class);
    assertThat(start.switches())
        .containsExactly(
            new HotUpgradeStart.SlotSwitch("proxy", "proxy-1", "proxy-2", "proxy:v2", 2));
    Pod pod = sim.pod("pod-a");
    assertThat(image(pod, "proxy-1")).isEqualTo("proxy:v1");
    assertThat(image(pod, "proxy-2")).isEqualTo("proxy:v2");
    assertThat(working(pod)).isEqualTo("proxy-2");
    assertThat(versions(pod)).isEqualTo(Map.of("v1", "1", "alt1", "2", "v2", "2", "alt2", "1"));
    assertThat(hash(pod)).isEqualTo(v2Hash);
    HotUpgradeProgress started = progress(pod);
    assertThat(started.phase()).isEqualTo(HotUpgradeProgress.UPGRADING);
    assertThat(started.fromSlot()).isEqualTo("proxy-1");
    assertThat(started.toSlot()).isEqualTo("proxy-2");
    assertThat(started.targetHash()).isEqualTo(v2Hash);
    assertThat(started.previousHash()).isEqualTo(v1Hash);
    assertThat(started.previousVersions())
        .containsEntry(SidecarSetAnnotations.version("proxy-1"), "1")
        .containsEntry(SidecarSetAnnotations.versionAlt("proxy-2"), "1");
    assertThat(started.startedAt()).isEqualTo("2026-11-26T10:00:00Z");
    assertThat(start.events())
        .extracting(PodEvent::reason)
        .containsExactly(SidecarSetEvents.HOT_UPGRADE_STARTED);
    assertThat(sim.set.getStatus().getUpdatedPods()).isZero(); // status of the state planned from

    // step 2: the kubelet has not restarted proxy-2 yet: nothing to do, the pod counts as updated,
    // not ready
    assertThat(sim.round()).isEmpty();
    assertThat(sim.set.getStatus().getUpdatedPods()).isEqualTo(1);
    assertThat(sim.set.getStatus().getReadyPods()).isZero();
    assertThat(sim.lastPlan.recheckAfter()).contains(UpgradePlanner.RECHECK_WHILE_IN_FLIGHT);

    // the kubelet restarts proxy-2 on v2; it takes over and the pod is ready: step 3, reset
    sim.kubelet().advance(Duration.ofSeconds(3));
    List<UpgradeAction> reset = sim.round();
    assertThat(reset).singleElement().isInstanceOf(HotUpgradeReset.class);
    assertThat(((HotUpgradeReset) reset.get(0)).resets())
        .singleElement()
        .satisfies(
            r -> {
              assertThat(r.slot()).isEqualTo("proxy-1");
              assertThat(r.workingSlot()).isEqualTo("proxy-2");
              assertThat(r.migration()).isEqualTo(Duration.ofSeconds(3));
            });
    assertThat(reset.get(0).events())
        .extracting(PodEvent::reason)
        .containsExactly(SidecarSetEvents.HOT_UPGRADE_MIGRATED, SidecarSetEvents.HOT_UPGRADE_RESET);
    pod = sim.pod("pod-a");
    assertThat(image(pod, "proxy-1")).isEqualTo(SidecarSets.EMPTY_IMAGE);
    assertThat(image(pod, "proxy-2")).isEqualTo("proxy:v2");
    assertThat(working(pod)).isEqualTo("proxy-2");
    assertThat(versions(pod)).isEqualTo(Map.of("v1", "0", "alt1", "2", "v2", "2", "alt2", "0"));
    assertThat(hash(pod)).as("the reset leaves the hash alone (Kruise #1054)").isEqualTo(v2Hash);
    assertThat(progress(pod).phase()).isEqualTo(HotUpgradeProgress.COMPLETED);
    assertThat(progress(pod).migratedAt()).isEqualTo("2026-11-26T10:00:03Z");
    assertThat(progress(pod).completedAt()).isEqualTo("2026-11-26T10:00:03Z");

    // done: the pod is updated and ready, nothing left to do
    sim.kubelet();
    assertThat(sim.round()).isEmpty();
    assertThat(sim.set.getStatus().getUpdatedReadyPods()).isEqualTo(1);
    assertThat(condition(sim.set, SidecarSetConditions.PROGRESSING).getReason())
        .isEqualTo(SidecarSetConditions.REASON_ROLLOUT_COMPLETE);
    assertThat(sim.lastPlan.recheckAfter()).isEmpty();
  }

  @Test
  void secondHotUpgrade_goesBackToTheFirstSlot() {
    RolloutSimulation sim = new RolloutSimulation(V1, List.of(InjectedPods.injected(V1, "pod-a")));
    sim.set = SidecarSets.withImage(V1, "proxy:v2");
    settle(sim);
    sim.set = SidecarSets.withImage(sim.set, "proxy:v3");

    List<UpgradeAction> actions = settle(sim);

    assertThat(actions)
        .filteredOn(a -> a instanceof HotUpgradeStart)
        .singleElement()
        .satisfies(
            a ->
                assertThat(((HotUpgradeStart) a).switches())
                    .containsExactly(
                        new HotUpgradeStart.SlotSwitch(
                            "proxy", "proxy-2", "proxy-1", "proxy:v3", 3)));
    Pod pod = sim.pod("pod-a");
    assertThat(working(pod)).isEqualTo("proxy-1");
    assertThat(image(pod, "proxy-1")).isEqualTo("proxy:v3");
    assertThat(image(pod, "proxy-2")).isEqualTo(SidecarSets.EMPTY_IMAGE);
    assertThat(versions(pod)).isEqualTo(Map.of("v1", "3", "alt1", "0", "v2", "0", "alt2", "3"));
  }

  @Test
  void oddNumberOfHotUpgrades_leavesTheSecondSlotWorking_evenNumberTheFirst() {
    RolloutSimulation sim = new RolloutSimulation(V1, List.of(InjectedPods.injected(V1, "pod-a")));
    String[] expectedWorking = {"proxy-2", "proxy-1", "proxy-2", "proxy-1"};
    for (int i = 0; i < expectedWorking.length; i++) {
      String image = "proxy:v" + (i + 2);
      sim.set = SidecarSets.withImage(sim.set, image);
      settle(sim);
      Pod pod = sim.pod("pod-a");
      String spare = expectedWorking[i].equals("proxy-1") ? "proxy-2" : "proxy-1";
      assertThat(working(pod)).as("after upgrade %d", i + 1).isEqualTo(expectedWorking[i]);
      assertThat(image(pod, expectedWorking[i])).isEqualTo(image);
      assertThat(image(pod, spare)).isEqualTo(SidecarSets.EMPTY_IMAGE);
      assertThat(annotations(pod).get(SidecarSetAnnotations.version(expectedWorking[i])))
          .isEqualTo(Integer.toString(i + 2));
      assertThat(annotations(pod).get(SidecarSetAnnotations.version(spare))).isEqualTo("0");
    }
  }

  @Test
  void hotUpgradeThatNeverBecomesReady_isRolledBackAfterTheTimeout_andPausesTheRollout() {
    RolloutSimulation sim = new RolloutSimulation(V1, InjectedPods.injected(V1, 3));
    sim.kubelet = FakeKubelet.neverReady("proxy:broken");
    sim.set = SidecarSets.withImage(V1, "proxy:broken");
    String v1Hash = SidecarSetHasher.hash(V1);

    assertThat(sim.round()).filteredOn(a -> a instanceof HotUpgradeStart).hasSize(1);
    String victim =
        sim.applied.stream()
            .filter(a -> a instanceof HotUpgradeStart)
            .findFirst()
            .orElseThrow()
            .pod()
            .name();
    sim.kubelet();

    // within the timeout (300 s by default): wait
    sim.advance(Duration.ofSeconds(299));
    assertThat(sim.round()).isEmpty();
    assertThat(sim.lastPlan.recheckAfter()).contains(Duration.ofSeconds(1));

    // past it: roll back, and start nothing new in the same plan
    sim.advance(Duration.ofSeconds(1));
    List<UpgradeAction> rollback = sim.round();
    assertThat(rollback).singleElement().isInstanceOf(HotUpgradeRollback.class);
    HotUpgradeRollback rb = (HotUpgradeRollback) rollback.get(0);
    assertThat(rb.pod().name()).isEqualTo(victim);
    assertThat(rb.pausesRollout()).isTrue();
    assertThat(rb.events())
        .singleElement()
        .satisfies(
            e -> {
              assertThat(e.reason()).isEqualTo(SidecarSetEvents.HOT_UPGRADE_ROLLED_BACK);
              assertThat(e.type()).isEqualTo(SidecarSetEvents.TYPE_WARNING);
              assertThat(e.message()).contains("proxy-2", "proxy:broken", "300s", "paused");
            });
    Pod pod = sim.pod(victim);
    assertThat(image(pod, "proxy-2")).isEqualTo(SidecarSets.EMPTY_IMAGE);
    assertThat(image(pod, "proxy-1"))
        .as("the working container is untouched")
        .isEqualTo("proxy:v1");
    assertThat(working(pod)).isEqualTo("proxy-1");
    assertThat(versions(pod)).isEqualTo(Map.of("v1", "1", "alt1", "0", "v2", "0", "alt2", "1"));
    assertThat(hash(pod)).isEqualTo(v1Hash);
    assertThat(progress(pod).phase()).isEqualTo(HotUpgradeProgress.ROLLED_BACK);
    assertThat(progress(pod).rolledBackGeneration()).isEqualTo(2L);
    Condition paused = condition(sim.set, SidecarSetConditions.PAUSED);
    assertThat(paused.getStatus()).isEqualTo("True");
    assertThat(paused.getReason()).isEqualTo(SidecarSetConditions.REASON_PAUSED_AFTER_ROLLBACK);
    assertThat(paused.getObservedGeneration()).isEqualTo(2L);
    assertThat(paused.getMessage()).contains(victim);
    assertThat(condition(sim.set, SidecarSetConditions.PODS_ROLLED_BACK).getStatus())
        .isEqualTo("True");

    // the pause holds while the spec stays at this generation
    sim.kubelet().advance(Duration.ofMinutes(10));
    assertThat(sim.round()).isEmpty();
    assertThat(sim.pods.values())
        .allSatisfy(p -> assertThat(image(p, "proxy-2")).isEqualTo(SidecarSets.EMPTY_IMAGE));
    assertThat(condition(sim.set, SidecarSetConditions.PROGRESSING).getReason())
        .isEqualTo(SidecarSetConditions.REASON_PAUSED_AFTER_ROLLBACK);

    // a fixed image moves the generation: the rollout resumes, the rolled-back pod included
    sim.kubelet = FakeKubelet.ALWAYS_READY;
    sim.set = SidecarSets.withImage(sim.set, "proxy:v2");
    settle(sim);
    assertThat(sim.pods.values())
        .allSatisfy(p -> assertThat(image(p, "proxy-2")).isEqualTo("proxy:v2"));
    assertThat(condition(sim.set, SidecarSetConditions.PAUSED).getStatus()).isEqualTo("False");
    assertThat(condition(sim.set, SidecarSetConditions.PODS_ROLLED_BACK).getStatus())
        .isEqualTo("False");
  }

  @Test
  void pauseAfterRollback_isHonouredFromTheStatusEvenWhenTheRolledBackPodIsGone() {
    RolloutSimulation sim = new RolloutSimulation(V1, InjectedPods.injected(V1, 3));
    sim.kubelet = FakeKubelet.neverReady("proxy:broken");
    sim.set = SidecarSets.withImage(V1, "proxy:broken");
    sim.round();
    String victim = sim.applied.get(0).pod().name();
    sim.kubelet().advance(Duration.ofSeconds(300));
    assertThat(sim.round()).singleElement().isInstanceOf(HotUpgradeRollback.class);

    sim.pods.remove(victim);
    sim.kubelet = FakeKubelet.ALWAYS_READY;
    sim.kubelet().advance(Duration.ofSeconds(5));

    assertThat(sim.round()).isEmpty();
    assertThat(condition(sim.set, SidecarSetConditions.PAUSED).getReason())
        .isEqualTo(SidecarSetConditions.REASON_PAUSED_AFTER_ROLLBACK);
  }

  @Test
  void retryingTheSameImage_byTogglingPaused_upgradesTheRolledBackPodAgain() {
    RolloutSimulation sim = new RolloutSimulation(V1, List.of(InjectedPods.injected(V1, "pod-a")));
    sim.kubelet = FakeKubelet.neverReady("proxy:v2");
    sim.set = SidecarSets.withImage(V1, "proxy:v2");
    sim.round();
    sim.kubelet().advance(Duration.ofSeconds(301));
    assertThat(sim.round()).singleElement().isInstanceOf(HotUpgradeRollback.class);

    sim.set = SidecarSets.next(sim.set, s -> s.getSpec().getUpdateStrategy().setPaused(true));
    sim.kubelet();
    assertThat(sim.round()).isEmpty();
    sim.set = SidecarSets.next(sim.set, s -> s.getSpec().getUpdateStrategy().setPaused(false));
    sim.kubelet = FakeKubelet.ALWAYS_READY; // e.g. the registry is back

    List<UpgradeAction> retry = settle(sim);

    assertThat(retry)
        .extracting(UpgradeAction::kind)
        .contains("hot-upgrade-start", "hot-upgrade-reset");
    assertThat(image(sim.pod("pod-a"), "proxy-2")).isEqualTo("proxy:v2");
  }

  @Test
  void resetsStillRunWhenTheRolloutIsPaused_butNoNewUpgradeStarts() {
    RolloutSimulation sim = new RolloutSimulation(V1, InjectedPods.injected(V1, 2));
    sim.set = SidecarSets.withImage(V1, "proxy:v2");
    assertThat(sim.round()).filteredOn(a -> a instanceof HotUpgradeStart).hasSize(1);
    sim.set = SidecarSets.next(sim.set, s -> s.getSpec().getUpdateStrategy().setPaused(true));
    sim.kubelet();

    List<UpgradeAction> actions = sim.round();

    assertThat(actions).singleElement().isInstanceOf(HotUpgradeReset.class);
    assertThat(condition(sim.set, SidecarSetConditions.PAUSED).getReason())
        .isEqualTo(SidecarSetConditions.REASON_PAUSED_BY_USER);
    assertThat(condition(sim.set, SidecarSetConditions.PROGRESSING).getReason())
        .isEqualTo(SidecarSetConditions.REASON_FINISHING_STARTED_UPGRADES);
    sim.kubelet();
    assertThat(sim.round()).isEmpty();
    assertThat(sim.set.getStatus().getUpdatedPods()).isEqualTo(1);
  }

  @Test
  void notUpdate_stillFinishesStartedHotUpgrades() {
    RolloutSimulation sim = new RolloutSimulation(V1, InjectedPods.injected(V1, 2));
    sim.set = SidecarSets.withImage(V1, "proxy:v2");
    sim.round();
    sim.set = SidecarSets.next(sim.set, s -> s.getSpec().getUpdateStrategy().setType("NotUpdate"));
    sim.kubelet();

    assertThat(sim.round()).singleElement().isInstanceOf(HotUpgradeReset.class);
    sim.kubelet();
    assertThat(sim.round()).isEmpty();
    assertThat(condition(sim.set, SidecarSetConditions.PROGRESSING).getReason())
        .isEqualTo(SidecarSetConditions.REASON_NOT_UPDATE);
  }

  @Test
  void newImageWhileAHotUpgradeIsInFlight_waitsForItToFinish_neverStacks() {
    RolloutSimulation sim = new RolloutSimulation(V1, List.of(InjectedPods.injected(V1, "pod-a")));
    sim.set = SidecarSets.withImage(V1, "proxy:v2");
    sim.round();
    sim.set = SidecarSets.withImage(sim.set, "proxy:v3");

    assertThat(sim.round()).as("proxy-2 is not restarted yet: no new step on this pod").isEmpty();
    sim.kubelet();
    assertThat(sim.round()).singleElement().isInstanceOf(HotUpgradeReset.class);
    sim.kubelet();
    assertThat(sim.round()).first().isInstanceOf(HotUpgradeStart.class);
    assertThat(working(sim.pod("pod-a"))).isEqualTo("proxy-1");
    assertThat(image(sim.pod("pod-a"), "proxy-1")).isEqualTo("proxy:v3");
  }

  @Test
  void rollbackOfAnUpgradeTheSetHasMovedPast_doesNotPause() {
    RolloutSimulation sim = new RolloutSimulation(V1, List.of(InjectedPods.injected(V1, "pod-a")));
    sim.kubelet = FakeKubelet.neverReady("proxy:broken");
    sim.set = SidecarSets.withImage(V1, "proxy:broken");
    sim.round();
    sim.kubelet();
    sim.set = SidecarSets.withImage(sim.set, "proxy:v3"); // the fix, published while in flight
    sim.advance(Duration.ofSeconds(300));

    List<UpgradeAction> rollback = sim.round();
    assertThat(rollback).singleElement().isInstanceOf(HotUpgradeRollback.class);
    assertThat(((HotUpgradeRollback) rollback.get(0)).pausesRollout()).isFalse();
    sim.kubelet();
    assertThat(sim.round()).first().isInstanceOf(HotUpgradeStart.class);
    assertThat(image(sim.pod("pod-a"), "proxy-2")).isEqualTo("proxy:v3");
  }

  @Test
  void hotUpgradeTimeout_isTheSetsHotUpgradeTimeoutSeconds() {
    RolloutSimulation sim = new RolloutSimulation(V1, List.of(InjectedPods.injected(V1, "pod-a")));
    sim.kubelet = FakeKubelet.neverReady("proxy:broken");
    sim.set =
        SidecarSets.next(
            SidecarSets.withImage(V1, "proxy:broken"),
            s -> s.getSpec().getUpdateStrategy().setHotUpgradeTimeoutSeconds(30));
    sim.round();
    sim.kubelet().advance(Duration.ofSeconds(29));
    assertThat(sim.round()).isEmpty();
    sim.advance(Duration.ofSeconds(1));
    assertThat(sim.round()).singleElement().isInstanceOf(HotUpgradeRollback.class);
  }

  @Test
  void coldAndHotSidecarsOfOneSet_changeInOnePatch() {
    SidecarSet v1 =
        SidecarSets.set(
            spec -> {
              spec.addContainer(SidecarSets.hotSidecar("proxy", "proxy:v1"));
              spec.addContainer(new SidecarContainer("log", "log:v1"));
            });
    RolloutSimulation sim = new RolloutSimulation(v1, List.of(InjectedPods.injected(v1, "pod-a")));
    sim.set =
        SidecarSets.next(
            v1,
            s -> {
              s.getSpec().getContainers().get(0).setImage("proxy:v2");
              s.getSpec().getContainers().get(1).setImage("log:v2");
            });

    HotUpgradeStart start = (HotUpgradeStart) sim.round().get(0);

    assertThat(start.coldImages()).isEqualTo(Map.of("log", "log:v2"));
    assertThat(start.events())
        .extracting(PodEvent::reason)
        .containsExactly(SidecarSetEvents.HOT_UPGRADE_STARTED, SidecarSetEvents.SIDECAR_UPGRADED);
    assertThat(image(sim.pod("pod-a"), "log")).isEqualTo("log:v2");
    assertThat(image(sim.pod("pod-a"), "proxy-2")).isEqualTo("proxy:v2");
  }

  @Test
  void onlyAColdSidecarOfAHotSetChanged_coldUpgradeLeavesTheSlotsAlone() {
    SidecarSet v1 =
        SidecarSets.set(
            spec -> {
              spec.addContainer(SidecarSets.hotSidecar("proxy", "proxy:v1"));
              spec.addContainer(new SidecarContainer("log", "log:v1"));
            });
    RolloutSimulation sim = new RolloutSimulation(v1, List.of(InjectedPods.injected(v1, "pod-a")));
    sim.set = SidecarSets.next(v1, s -> s.getSpec().getContainers().get(1).setImage("log:v2"));

    UpgradeAction action = sim.round().get(0);

    assertThat(action).isInstanceOf(ColdUpgrade.class);
    assertThat(working(sim.pod("pod-a"))).isEqualTo("proxy-1");
    assertThat(image(sim.pod("pod-a"), "proxy-2")).isEqualTo(SidecarSets.EMPTY_IMAGE);
    assertThat(versions(sim.pod("pod-a")))
        .isEqualTo(Map.of("v1", "1", "alt1", "0", "v2", "0", "alt2", "1"));
  }

  @Test
  void aStalePlan_cannotTakeAStepTwice() {
    RolloutSimulation sim = new RolloutSimulation(V1, List.of(InjectedPods.injected(V1, "pod-a")));
    sim.set = SidecarSets.withImage(V1, "proxy:v2");
    Pod planned = sim.pod("pod-a");
    UpgradePlan stale = sim.planner.plan(sim.set, List.of(planned), sim.now);
    sim.round(); // the step is taken

    // a controller acting on the stale plan would send a patch guarded by the old resourceVersion
    assertThat(stale.actions().get(0).pod().resourceVersion())
        .isEqualTo(planned.getMetadata().getResourceVersion())
        .isNotEqualTo(sim.pod("pod-a").getMetadata().getResourceVersion());
    // and a plan from the fresh pod takes no second step
    assertThat(sim.round()).isEmpty();
  }
}
