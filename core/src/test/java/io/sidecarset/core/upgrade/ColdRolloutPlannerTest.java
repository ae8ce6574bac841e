package io.sidecarset.core.upgrade;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.sidecarset.api.SidecarSetConditions;
import io.sidecarset.api.SidecarSetEvents;
import io.sidecarset.api.v1alpha1.SidecarSet;
import io.sidecarset.core.status.StatusConditions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Whole cold rollouts, round after round, with a kubelet that applies patches between rounds. */
class ColdRolloutPlannerTest {

  static final SidecarSet V1 = SidecarSets.cold("log:v1");

  static String image(Pod pod) {
    return pod.getSpec().getContainers().get(0).getImage();
  }

  static Stream<Arguments> rollouts() {
    return Stream.of(
        Arguments.of(
            "partition(int=5) maxUnavailable(int=3), pods(count=20)",
            SidecarSets.count(5),
            SidecarSets.count(3),
            20,
            15,
            3),
        Arguments.of(
            "partition(int=0) maxUnavailable(string=25%), pods(count=20)",
            SidecarSets.count(0), SidecarSets.percent("25%"), 20, 20, 5),
        Arguments.of(
            "partition(string=50%) maxUnavailable(int=1), pods(count=7)",
            SidecarSets.percent("50%"), SidecarSets.count(1), 7, 3, 1),
        Arguments.of(
            "partition(int=18) maxUnavailable(int=3), pods(count=20)",
            SidecarSets.count(18),
            SidecarSets.count(3),
            20,
            2,
            2),
        Arguments.of(
            "partition(string=100%) maxUnavailable(int=3), pods(count=20)",
            SidecarSets.percent("100%"), SidecarSets.count(3), 20, 0, 0));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("rollouts")
  void rollsThroughThePods_neverExceedingMaxUnavailable_stoppingAtThePartition(
      String scenario,
      io.fabric8.kubernetes.api.model.IntOrString partition,
      io.fabric8.kubernetes.api.model.IntOrString maxUnavailable,
      int pods,
      int expectedUpdated,
      int expectedPeakUnavailable) {
    RolloutSimulation sim = new RolloutSimulation(V1, InjectedPods.injected(V1, pods));
    sim.set =
        SidecarSets.next(
            V1,
            s -> {
              s.getSpec().getContainers().get(0).setImage("log:v2");
              s.getSpec().getUpdateStrategy().setPartition(partition);
              s.getSpec().getUpdateStrategy().setMaxUnavailable(maxUnavailable);
            });

    int peak = 0;
    for (int round = 0; round < 100; round++) {
      List<UpgradeAction> actions = sim.round();
      long unavailable =
          sim.pods.values().stream()
              .filter(p -> image(p).equals("log:v2"))
              .filter(p -> !p.getStatus().getContainerStatuses().get(0).getImage().equals("log:v2"))
              .count();
      peak = Math.max(peak, (int) unavailable);
      if (actions.isEmpty()) {
        break;
      }
      sim.kubelet().advance(Duration.ofSeconds(3));
    }

    assertThat(peak).isEqualTo(expectedPeakUnavailable);
    assertThat(sim.pods.values())
        .filteredOn(p -> image(p).equals("log:v2"))
        .hasSize(expectedUpdated);
    Map<String, Long> upgradesPerPod =
        sim.applied.stream()
            .filter(a -> a instanceof ColdUpgrade)
            .collect(Collectors.groupingBy(a -> a.pod().name(), Collectors.counting()));
    assertThat(upgradesPerPod.values()).allMatch(n -> n == 1L);
    assertThat(upgradesPerPod).hasSize(expectedUpdated);
    assertThat(sim.set.getStatus().getUpdatedPods()).isEqualTo(expectedUpdated);
    assertThat(sim.set.getStatus().getUpdatedReadyPods()).isEqualTo(expectedUpdated);
    assertThat(sim.set.getStatus().getMatchedPods()).isEqualTo(pods);
    assertThat(
            StatusConditions.find(
                    sim.set.getStatus().getConditions(), SidecarSetConditions.PROGRESSING)
                .getReason())
        .isEqualTo(SidecarSetConditions.REASON_ROLLOUT_COMPLETE);
  }

  @Test
  void paused_upgradesNothing_andSaysSo() {
    RolloutSimulation sim = new RolloutSimulation(V1, InjectedPods.injected(V1, 4));
    sim.set =
        SidecarSets.next(
            V1,
            s -> {
              s.getSpec().getContainers().get(0).setImage("log:v2");
              s.getSpec().getUpdateStrategy().setPaused(true);
            });

    assertThat(sim.round()).isEmpty();
    var paused =
        StatusConditions.find(sim.set.getStatus().getConditions(), SidecarSetConditions.PAUSED);
    assertThat(paused.getStatus()).isEqualTo("True");
    assertThat(paused.getReason()).isEqualTo(SidecarSetConditions.REASON_PAUSED_BY_USER);
    assertThat(sim.lastPlan.snapshot().waitingPods()).isEqualTo(4);
  }

  @Test
  void notUpdate_upgradesNothing() {
    RolloutSimulation sim = new RolloutSimulation(V1, InjectedPods.injected(V1, 4));
    sim.set =
        SidecarSets.next(
            V1,
            s -> {
              s.getSpec().getContainers().get(0).setImage("log:v2");
              s.getSpec().getUpdateStrategy().setType("NotUpdate");
              s.getSpec().getUpdateStrategy().setMaxUnavailable(SidecarSets.percent("100%"));
            });

    assertThat(sim.round()).isEmpty();
    assertThat(
            StatusConditions.find(
                    sim.set.getStatus().getConditions(), SidecarSetConditions.PROGRESSING)
                .getReason())
        .isEqualTo(SidecarSetConditions.REASON_NOT_UPDATE);
  }

  @Test
  void aChangeOtherThanAnImage_marksPodsNotUpgradableOnce_andClearsWhenReverted() {
    RolloutSimulation sim = new RolloutSimulation(V1, InjectedPods.injected(V1, 3));
    sim.set =
        SidecarSets.next(
            V1,
            s -> {
              s.getSpec().getContainers().get(0).setImage("log:v2");
              s.getSpec().getContainers().get(0).setArgs(List.of("--verbose"));
              s.getSpec().getUpdateStrategy().setMaxUnavailable(SidecarSets.percent("100%"));
            });

    List<UpgradeAction> marks = sim.round();
    assertThat(marks)
        .hasSize(3)
        .allSatisfy(a -> assertThat(a).isInstanceOf(MarkNotUpgradable.class));
    assertThat(marks.get(0).events())
        .singleElement()
        .satisfies(
            e -> {
              assertThat(e.reason()).isEqualTo(SidecarSetEvents.NOT_UPGRADABLE);
              assertThat(e.type()).isEqualTo(SidecarSetEvents.TYPE_WARNING);
            });
    PodCondition condition = upgradableCondition(sim.pod("pod-000"));
    assertThat(condition.getStatus()).isEqualTo("False");
    assertThat(condition.getReason()).isEqualTo(SidecarSetConditions.REASON_UPDATE_IMMUTABLE_FIELD);
    assertThat(condition.getMessage()).isEqualTo("{\"mesh\":false}");
    assertThat(sim.pods.values()).allSatisfy(p -> assertThat(image(p)).isEqualTo("log:v1"));
    var notUpgradable =
        StatusConditions.find(
            sim.set.getStatus().getConditions(), SidecarSetConditions.PODS_NOT_UPGRADABLE);
    assertThat(notUpgradable.getStatus()).isEqualTo("True");
    assertThat(notUpgradable.getMessage()).contains("3 pod(s)", "demo/pod-000");

    assertThat(sim.round())
        .as("the condition says so already: no second mark, no second event")
        .isEmpty();

    sim.set = SidecarSets.next(sim.set, s -> s.getSpec().getContainers().get(0).setArgs(null));
    List<UpgradeAction> actions = sim.round();
    assertThat(actions).filteredOn(a -> a instanceof ColdUpgrade).hasSize(3);
    assertThat(actions).filteredOn(a -> a instanceof MarkUpgradable).hasSize(3);
    assertThat(upgradableCondition(sim.pod("pod-000")).getStatus()).isEqualTo("True");
    assertThat(upgradableCondition(sim.pod("pod-000")).getMessage()).isEqualTo("{\"mesh\":true}");
  }

  @Test
  void podsOfAnotherSetOrOutsideTheSelectorAreNotMatched() {
    List<Pod> pods = InjectedPods.injected(V1, 3);
    pods.get(0)
        .getMetadata()
        .getAnnotations()
        .put(io.sidecarset.api.SidecarSetAnnotations.INJECTED_LIST, "other");
    pods.get(1).getMetadata().getLabels().put(SidecarSets.APP_LABEL, "db");
    pods.get(2).getMetadata().setDeletionTimestamp("2026-11-26T09:59:00Z");
    SidecarSet v2 = SidecarSets.withImage(V1, "log:v2");

    UpgradePlan plan = new UpgradePlanner().plan(v2, pods, RolloutSimulationClock.NOW);

    assertThat(plan.actions()).isEmpty();
    assertThat(plan.status().getMatchedPods()).isZero();
  }

  static PodCondition upgradableCondition(Pod pod) {
    return pod.getStatus().getConditions().stream()
        .filter(c -> c.getType().equals(SidecarSetConditions.POD_UPGRADABLE))
        .findFirst()
        .orElseThrow();
  }

  /** Holder of the fixed time used by single-plan tests. */
  static final class RolloutSimulationClock {
    static final java.time.Instant NOW = java.time.Instant.parse("2026-11-26T10:00:00Z");
  }
}
