package io.sidecarset.core.upgrade;

import static io.sidecarset.core.upgrade.SidecarSets.count;
import static io.sidecarset.core.upgrade.SidecarSets.percent;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.LabelSelectorBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.sidecarset.api.v1alpha1.SidecarSet;
import io.sidecarset.api.v1alpha1.SidecarSetUpdateStrategy;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * How many pods one plan upgrades, for partition x maxUnavailable x pods already updated and ready.
 * The cases with Kruise's names are Kruise's own ({@code sidecarset_strategy_test.go}), with the
 * same expected counts.
 */
class UpgradePlannerStrategyTest {

  static final SidecarSet V1 = SidecarSets.cold("log:v1");
  static final Instant NOW = Instant.parse("2026-11-26T10:00:00Z");

  /**
   * Kruise's {@code factoryPods}: {@code count} pods injected at v1; the first {@code updated} are
   * on v2, of which the first {@code updatedReady} run v2 already and the rest still run v1 (the
   * kubelet has not restarted them: updated but unavailable). Returned shuffled.
   */
  static List<Pod> pods(int count, int updated, int updatedReady) {
    SidecarSet v2 = SidecarSets.withImage(V1, "log:v2");
    List<Pod> pods = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      String name = String.format("pod-%04d", i);
      if (i < updatedReady) {
        pods.add(InjectedPods.injected(v2, name));
      } else if (i < updated) {
        Pod pod = InjectedPods.injected(v2, name);
        pod.getStatus()
            .getContainerStatuses()
            .set(0, InjectedPods.status("log", "log:v1", true, 0));
        pods.add(pod);
      } else {
        pods.add(InjectedPods.injected(V1, name));
      }
    }
    Collections.shuffle(pods, new Random(count * 31L + updated));
    return pods;
  }

  static SidecarSet v2(Consumer<SidecarSetUpdateStrategy> strategy) {
    return SidecarSets.next(
        V1,
        s -> {
          s.getSpec().getContainers().get(0).setImage("log:v2");
          strategy.accept(s.getSpec().getUpdateStrategy());
        });
  }

  static Consumer<SidecarSetUpdateStrategy> maxUnavailable(IntOrString value) {
    return s -> s.setMaxUnavailable(value);
  }

  static Consumer<SidecarSetUpdateStrategy> partitionAndMaxUnavailable(
      IntOrString partition, IntOrString maxUnavailable) {
    return s -> {
      s.setPartition(partition);
      s.setMaxUnavailable(maxUnavailable);
    };
  }

  static Stream<Arguments> cases() {
    return Stream.of(
        Arguments.of(
            "only maxUnavailable(int=10), and pods(count=100, upgraded=30, upgradedAndReady=26)",
            maxUnavailable(count(10)),
            pods(100, 30, 26),
            6),
        Arguments.of(
            "only maxUnavailable(string=10%), and pods(count=1000, upgraded=300, upgradedAndReady=260)",
            maxUnavailable(percent("10%")), pods(1000, 300, 260), 60),
        Arguments.of(
            "only maxUnavailable(string=5%), and pods(count=1000, upgraded=300, upgradedAndReady=250)",
            maxUnavailable(percent("5%")), pods(1000, 300, 250), 0),
        Arguments.of(
            "only maxUnavailable(int=100), and pods(count=100, upgraded=30, upgradedAndReady=27)",
            maxUnavailable(count(100)),
            pods(100, 30, 27),
            70),
        Arguments.of(
            "partition(int=180) maxUnavailable(int=100), and pods(count=1000, upgraded=800, upgradedAndReady=760)",
            partitionAndMaxUnavailable(count(180), count(100)),
            pods(1000, 800, 760),
            20),
        Arguments.of(
            "partition(int=100) maxUnavailable(int=100), and pods(count=1000, upgraded=800, upgradedAndReady=760)",
            partitionAndMaxUnavailable(count(100), count(100)),
            pods(1000, 800, 760),
            60),
        Arguments.of(
            "partition(string=18%) maxUnavailable(int=100), and pods(count=1000, upgraded=800, upgradedAndReady=760)",
            partitionAndMaxUnavailable(percent("18%"), count(100)), pods(1000, 800, 760), 20),
        Arguments.of(
            "partition(string=10%) maxUnavailable(int=100), and pods(count=1000, upgraded=800, upgradedAndReady=760)",
            partitionAndMaxUnavailable(percent("10%"), count(100)), pods(1000, 800, 760), 60),
        Arguments.of(
            "only maxUnavailable(5%), and pods(count=5, upgraded=0, upgradedAndReady=0)",
            maxUnavailable(percent("5%")), pods(5, 0, 0), 1),
        Arguments.of(
            "maxUnavailable(5) partition(99%), and pods(count=5, upgraded=0, upgradedAndReady=0)",
            partitionAndMaxUnavailable(percent("99%"), count(5)), pods(5, 0, 0), 1),
        Arguments.of(
            "maxUnavailable(5) partition(1%), and pods(count=5, upgraded=0, upgradedAndReady=0)",
            partitionAndMaxUnavailable(percent("1%"), count(5)), pods(5, 0, 0), 4),
        Arguments.of(
            "partition(int=18) maxUnavailable(int=3), pods(count=20, updated=5, updatedReady=3)",
            partitionAndMaxUnavailable(count(18), count(3)),
            pods(20, 5, 3),
            0),
        Arguments.of(
            "partition(int=10) maxUnavailable(int=3), pods(count=20, updated=5, updatedReady=3)",
            partitionAndMaxUnavailable(count(10), count(3)),
            pods(20, 5, 3),
            1),
        Arguments.of(
            "partition(int=2) maxUnavailable(int=3), pods(count=20, updated=5, updatedReady=5)",
            partitionAndMaxUnavailable(count(2), count(3)),
            pods(20, 5, 5),
            3),
        Arguments.of(
            "partition(int=13) maxUnavailable(int=3), pods(count=20, updated=5, updatedReady=5)",
            partitionAndMaxUnavailable(count(13), count(3)),
            pods(20, 5, 5),
            2),
        Arguments.of(
            "maxUnavailable(string=10%) of 15 rounds up to 2, pods(count=15, updated=0)",
            maxUnavailable(percent("10%")), pods(15, 0, 0), 2),
        Arguments.of(
            "maxUnavailable(int=0) upgrades no ready pod, pods(count=10, updated=0)",
            maxUnavailable(count(0)),
            pods(10, 0, 0),
            0),
        Arguments.of(
            "maxUnavailable(string=100%) upgrades all at once, pods(count=1000, updated=0)",
            maxUnavailable(percent("100%")), pods(1000, 0, 0), 1000),
        Arguments.of(
            "default maxUnavailable is 1, pods(count=10, updated=0)",
            (Consumer<SidecarSetUpdateStrategy>) s -> {},
            pods(10, 0, 0),
            1));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void plansUpgradesWithinPartitionAndMaxUnavailable(
      String scenario, Consumer<SidecarSetUpdateStrategy> strategy, List<Pod> pods, int expected) {
    UpgradePlan plan = new UpgradePlanner().plan(v2(strategy), pods, NOW);

    List<UpgradeAction> upgrades =
        plan.actions().stream().filter(a -> a instanceof ColdUpgrade).toList();
    assertThat(upgrades).hasSize(expected);
    assertThat(upgrades)
        .allSatisfy(a -> assertThat(((ColdUpgrade) a).images()).containsEntry("log", "log:v2"));
  }

  static Stream<Arguments> selectors() {
    return Stream.of(
        Arguments.of(
            "selector(app=test, count=30) maxUnavailable(int=100), and pods(count=1000, upgraded=0, upgradedAndReady=0)",
            30));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("selectors")
  void upgradesOnlyPodsTheStrategySelectorPicks(String scenario, int selected) {
    List<Pod> pods = pods(1000, 0, 0);
    pods.stream()
        .sorted(java.util.Comparator.comparing(p -> p.getMetadata().getName()))
        .limit(selected)
        .forEach(p -> p.getMetadata().getLabels().put("canary", "true"));
    SidecarSet set =
        v2(
            s -> {
              s.setMaxUnavailable(count(100));
              s.setSelector(new LabelSelectorBuilder().addToMatchLabels("canary", "true").build());
            });

    UpgradePlan plan = new UpgradePlanner().plan(set, pods, NOW);

    assertThat(plan.actions()).filteredOn(a -> a instanceof ColdUpgrade).hasSize(selected);
    assertThat(plan.actions())
        .filteredOn(a -> a instanceof ColdUpgrade)
        .allSatisfy(
            a ->
                assertThat(((ColdUpgrade) a).desired().getMetadata().getLabels())
                    .containsEntry("canary", "true"));
  }
}
