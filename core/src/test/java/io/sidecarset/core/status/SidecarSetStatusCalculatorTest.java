package io.sidecarset.core.status;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.sidecarset.api.SidecarSetConditions;
import io.sidecarset.api.v1alpha1.SidecarSet;
import java.time.Instant;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class SidecarSetStatusCalculatorTest {

  static final Instant T0 = Instant.parse("2026-11-26T10:00:00Z");

  static SidecarSet set() {
    SidecarSet set = new SidecarSet();
    set.setMetadata(new ObjectMetaBuilder().withName("mesh").withGeneration(3L).build());
    return set;
  }

  static RolloutSnapshot snapshot(
      int waiting, int inFlight, RolloutGate gate, List<String> notUpgradable) {
    return new RolloutSnapshot(
        3,
        "abc",
        10,
        10 - waiting,
        9,
        8,
        waiting,
        inFlight,
        notUpgradable,
        List.of(),
        gate,
        List.of());
  }

  static Condition condition(io.sidecarset.api.v1alpha1.SidecarSetStatus status, String type) {
    return StatusConditions.find(status.getConditions(), type);
  }

  @Test
  void countsRevisionAndGenerationComeFromTheSnapshot() {
    var status =
        SidecarSetStatusCalculator.calculate(
            set(), snapshot(2, 1, RolloutGate.OPEN, List.of()), T0);

    assertThat(status.getObservedGeneration()).isEqualTo(3L);
    assertThat(status.getLatestRevision()).isEqualTo("abc");
    assertThat(status.getMatchedPods()).isEqualTo(10);
    assertThat(status.getUpdatedPods()).isEqualTo(8);
    assertThat(status.getReadyPods()).isEqualTo(9);
    assertThat(status.getUpdatedReadyPods()).isEqualTo(8);
    assertThat(status.getConditions())
        .extracting(Condition::getType)
        .containsExactly(
            SidecarSetConditions.PROGRESSING,
            SidecarSetConditions.PAUSED,
            SidecarSetConditions.PODS_NOT_UPGRADABLE,
            SidecarSetConditions.PODS_ROLLED_BACK);
    assertThat(condition(status, SidecarSetConditions.PROGRESSING).getStatus()).isEqualTo("True");
  }

  @Test
  void anUnchangedRolloutComputesAnEqualStatus_soNothingIsWritten() {
    SidecarSet set = set();
    set.setStatus(
        SidecarSetStatusCalculator.calculate(set, snapshot(2, 1, RolloutGate.OPEN, List.of()), T0));

    var later =
        SidecarSetStatusCalculator.calculate(
            set, snapshot(2, 1, RolloutGate.OPEN, List.of()), T0.plusSeconds(60));

    assertThat(later).isEqualTo(set.getStatus());
  }

  @Test
  void transitionTimeMovesOnlyWhenAConditionFlips() {
    SidecarSet set = set();
    set.setStatus(
        SidecarSetStatusCalculator.calculate(set, snapshot(2, 1, RolloutGate.OPEN, List.of()), T0));

    var done =
        SidecarSetStatusCalculator.calculate(
            set, snapshot(0, 0, RolloutGate.OPEN, List.of()), T0.plusSeconds(60));

    Condition progressing = condition(done, SidecarSetConditions.PROGRESSING);
    assertThat(progressing.getStatus()).isEqualTo("False");
    assertThat(progressing.getReason()).isEqualTo(SidecarSetConditions.REASON_ROLLOUT_COMPLETE);
    assertThat(progressing.getLastTransitionTime()).isEqualTo("2026-11-26T10:01:00Z");
    assertThat(condition(done, SidecarSetConditions.PAUSED).getLastTransitionTime())
        .isEqualTo("2026-11-26T10:00:00Z");
  }

  @Test
  void everyConditionHasAMessage() {
    var status =
        SidecarSetStatusCalculator.calculate(
            set(), snapshot(0, 0, RolloutGate.OPEN, List.of()), T0);

    assertThat(status.getConditions()).allSatisfy(c -> assertThat(c.getMessage()).isNotBlank());
  }

  @Test
  void longListsOfPodsAreCutInMessages() {
    List<String> pods = IntStream.range(0, 8).mapToObj(i -> "demo/pod-" + i).toList();

    var status =
        SidecarSetStatusCalculator.calculate(set(), snapshot(0, 0, RolloutGate.OPEN, pods), T0);

    assertThat(condition(status, SidecarSetConditions.PODS_NOT_UPGRADABLE).getMessage())
        .startsWith("8 pod(s)")
        .contains("demo/pod-4")
        .doesNotContain("demo/pod-5")
        .endsWith("and 3 more");
  }

  @Test
  void pausedAfterRollbackNamesTheRolledBackPodsAndHowToResume() {
    var snapshot =
        new RolloutSnapshot(
            3,
            "abc",
            10,
            1,
            9,
            1,
            9,
            0,
            List.of(),
            List.of("demo/pod-1"),
            RolloutGate.PAUSED_AFTER_ROLLBACK,
            List.of("demo/pod-1"));

    var status = SidecarSetStatusCalculator.calculate(set(), snapshot, T0);

    Condition paused = condition(status, SidecarSetConditions.PAUSED);
    assertThat(paused.getStatus()).isEqualTo("True");
    assertThat(paused.getReason()).isEqualTo(SidecarSetConditions.REASON_PAUSED_AFTER_ROLLBACK);
    assertThat(paused.getObservedGeneration()).isEqualTo(3L);
    assertThat(paused.getMessage()).contains("demo/pod-1", "updateStrategy.paused");
    assertThat(condition(status, SidecarSetConditions.PODS_ROLLED_BACK).getStatus())
        .isEqualTo("True");
    assertThat(condition(status, SidecarSetConditions.PROGRESSING).getReason())
        .isEqualTo(SidecarSetConditions.REASON_PAUSED_AFTER_ROLLBACK);
  }
}
