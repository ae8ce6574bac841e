package io.sidecarset.core.upgrade;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.LabelSelectorBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.sidecarset.api.v1alpha1.SidecarSetUpdateStrategy;
import io.sidecarset.api.v1alpha1.UpdatePriorityOrderTerm;
import io.sidecarset.api.v1alpha1.UpdatePriorityStrategy;
import io.sidecarset.api.v1alpha1.UpdatePriorityWeightTerm;
import io.sidecarset.api.v1alpha1.UpdateScatterTerm;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class UpgradeOrderTest {

  static final UpdateScatterTerm A = new UpdateScatterTerm("labelA", "AAA");
  static final UpdateScatterTerm B = new UpdateScatterTerm("labelB", "BBB");
  static final UpdateScatterTerm C = new UpdateScatterTerm("labelC", "CCC");

  /** Pods named "0", "1", ... with the given labels, all alike otherwise. */
  static List<Pod> pods(List<Map<String, String>> labels) {
    List<Pod> pods = new ArrayList<>();
    for (int i = 0; i < labels.size(); i++) {
      pods.add(
          new PodBuilder()
              .withNewMetadata()
              .withNamespace("default")
              .withName(Integer.toString(i))
              .withLabels(new HashMap<>(labels.get(i)))
              .endMetadata()
              .build());
    }
    return pods;
  }

  static List<Integer> indexes(List<Pod> ordered) {
    return ordered.stream().map(p -> Integer.parseInt(p.getMetadata().getName())).toList();
  }

  static Map<String, String> l(String... kv) {
    Map<String, String> m = new HashMap<>();
    for (int i = 0; i < kv.length; i += 2) {
      m.put(kv[i], kv[i + 1]);
    }
    return m;
  }

  /** Kruise's TestScatterPodsByRule: one term labelA=AAA. */
  static Stream<Arguments> scatterByOneTerm() {
    Map<String, String> none = l();
    Map<String, String> a = l("labelA", "AAA");
    return Stream.of(
        Arguments.of("no label", List.of(none), List.of(0)),
        Arguments.of("only one scattered pod", List.of(a), List.of(0)),
        Arguments.of(
            "odd scattered pod + odd ordinary pod", List.of(a, l("bbb", "")), List.of(0, 1)),
        Arguments.of(
            "even scattered pods + even ordinary pods",
            List.of(none, none, none, none, a, a),
            List.of(4, 0, 1, 2, 3, 5)),
        Arguments.of(
            "odd scattered pods + odd ordinary pods",
            List.of(none, none, none, a, a, a),
            List.of(3, 0, 1, 4, 2, 5)),
        Arguments.of(
            "even scattered pods + odd ordinary pods",
            List.of(none, none, none, a, none, none, a),
            List.of(3, 0, 1, 2, 4, 5, 6)),
        Arguments.of(
            "odd scattered pods + even ordinary pods",
            List.of(none, none, none, none, none, none, a, a, a),
            List.of(6, 0, 1, 2, 7, 3, 4, 5, 8)),
        Arguments.of(
            "even scattered pods + even ordinary pods + scattered pods more than ordinary pods",
            List.of(none, none, a, a, a, a),
            List.of(2, 3, 0, 4, 1, 5)),
        Arguments.of(
            "even scattered pods + odd ordinary pods + scattered pods more than ordinary pods",
            List.of(none, none, a, none, a, a, a, a, a),
            List.of(2, 4, 0, 5, 6, 1, 7, 3, 8)),
        Arguments.of(
            "odd scattered pods + even ordinary pods + scattered pods more than ordinary pods",
            List.of(none, a, none, a, none, none, a, a, a),
            List.of(1, 0, 3, 2, 6, 4, 7, 5, 8)),
        Arguments.of(
            "invalid label",
            List.of(
                none,
                none,
                none,
                none,
                none,
                none,
                none,
                a,
                a,
                l("labelA", "AAA", "labelB", "BBB")),
            List.of(7, 0, 1, 2, 3, 8, 4, 5, 6, 9)));
  }

  @ParameterizedTest(name = "scatter by one term: {0}")
  @MethodSource("scatterByOneTerm")
  void scattersLikeKruiseForOneTerm(
      String scenario, List<Map<String, String>> labels, List<Integer> expected) {
    List<Pod> pods = pods(labels);
    assertThat(indexes(UpgradeOrder.scatter(List.of(A), pods, pods))).isEqualTo(expected);
  }

  /** Kruise's TestSort (several terms, the most common first). */
  static Stream<Arguments> scatterBySeveralTerms() {
    Map<String, String> none = l();
    Map<String, String> a = l("labelA", "AAA");
    Map<String, String> b = l("labelB", "BBB");
    Map<String, String> c = l("labelC", "CCC");
    Map<String, String> ab = l("labelA", "AAA", "labelB", "BBB");
    return Stream.of(
        Arguments.of(
            "one pod one label",
            List.of(A),
            List.of(none, none, none, none, a, a),
            List.of(4, 0, 1, 2, 3, 5)),
        Arguments.of(
            "one pod more labels",
            List.of(B),
            List.of(none, none, none, none, l("sdfb", "eee"), l("dsf", "same"), b, a, a, ab),
            List.of(6, 0, 1, 2, 3, 4, 5, 7, 8, 9)),
        Arguments.of(
            "2 dimensions + one pod one label",
            List.of(A, B),
            List.of(b, b, none, none, a, a),
            List.of(0, 4, 2, 3, 5, 1)),
        Arguments.of(
            "2 dimensions + one pod more labels",
            List.of(A, B),
            List.of(none, none, none, b, ab, a),
            List.of(4, 0, 1, 2, 5, 3)),
        Arguments.of(
            "2 dimensions + same label + sequence: A + B",
            List.of(B, A),
            List.of(none, none, none, none, l("sdfb", "eee"), l("dsf", "same"), b, a, a, b),
            List.of(7, 6, 0, 1, 2, 3, 4, 5, 9, 8)),
        Arguments.of(
            "2 dimensions + same label + sequence: B + A",
            List.of(A, B),
            List.of(none, none, none, none, l("sdfb", "eee"), l("dsf", "same"), b, a, a, b),
            List.of(6, 7, 0, 1, 2, 3, 4, 5, 8, 9)),
        Arguments.of(
            "3 dimensions + one pod one label",
            List.of(A, B, C),
            List.of(none, a, a, b, b, c, c, c, c, c),
            List.of(3, 1, 5, 0, 6, 7, 8, 9, 2, 4)),
        Arguments.of(
            "3 dimensions + one pod more label",
            List.of(A, B, C),
            List.of(
                none,
                a,
                l("labelA", "AAA", "labelC", "CCC"),
                l("labelB", "BBB", "labelC", "CCC"),
                b,
                none,
                none,
                c,
                c,
                c),
            List.of(3, 2, 0, 7, 8, 5, 6, 9, 1, 4)));
  }

  @ParameterizedTest(name = "scatter by several terms: {0}")
  @MethodSource("scatterBySeveralTerms")
  void scattersLikeKruiseForSeveralTerms(
      String scenario,
      List<UpdateScatterTerm> terms,
      List<Map<String, String>> labels,
      List<Integer> expected) {
    List<Pod> pods = pods(labels);
    assertThat(indexes(UpgradeOrder.scatter(terms, pods, pods))).isEqualTo(expected);
  }

  @Test
  void aStarScatterTermStandsForEveryValueOnThePods() {
    List<Pod> pods =
        pods(List.of(l("zone", "a"), l("zone", "b"), l("zone", "a"), l(), l("zone", "c")));
    assertThat(
            UpgradeOrder.expandScatterTerms(List.of(new UpdateScatterTerm("zone", "*"), A), pods))
        .containsExactly(
            new UpdateScatterTerm("zone", "a"),
            new UpdateScatterTerm("zone", "b"),
            new UpdateScatterTerm("zone", "c"),
            A);
  }

  @Test
  void weightPriorityUpgradesHeavierPodsFirstAndKeepsTheBaseOrderForTies() {
    List<Pod> pods = pods(List.of(l(), l("key", "bar"), l("key", "foo"), l(), l("key", "foo")));
    UpdatePriorityStrategy priority = new UpdatePriorityStrategy();
    priority.setWeightPriority(
        List.of(
            new UpdatePriorityWeightTerm(
                20, new LabelSelectorBuilder().addToMatchLabels("key", "foo").build()),
            new UpdatePriorityWeightTerm(
                10, new LabelSelectorBuilder().addToMatchLabels("key", "bar").build())));
    SidecarSetUpdateStrategy strategy = new SidecarSetUpdateStrategy();
    strategy.setPriorityStrategy(priority);

    assertThat(indexes(UpgradeOrder.sort(strategy, pods, pods))).containsExactly(2, 4, 1, 0, 3);
  }

  @Test
  void orderPriorityUpgradesEarlierKeysAndLargerSuffixesFirstAndPodsWithoutKeysLast() {
    List<Pod> pods =
        pods(
            List.of(
                l(),
                l("key2", "o-20"),
                l("key1", "o-5"),
                l("key1", "o-10"),
                l("key2", "o-30"),
                l("key1", "x")));
    UpdatePriorityStrategy priority = new UpdatePriorityStrategy();
    priority.setOrderPriority(
        List.of(new UpdatePriorityOrderTerm("key1"), new UpdatePriorityOrderTerm("key2")));
    SidecarSetUpdateStrategy strategy = new SidecarSetUpdateStrategy();
    strategy.setPriorityStrategy(priority);

    assertThat(indexes(UpgradeOrder.sort(strategy, pods, pods))).containsExactly(3, 2, 5, 4, 1, 0);
  }

  @Test
  void activePodsOrderPutsThePodsThatMatterLeastFirst() {
    Instant t0 = Instant.parse("2026-11-26T09:00:00Z");
    List<Pod> pods = new ArrayList<>();
    IntStream.range(0, 7)
        .forEach(
            i ->
                pods.add(
                    new PodBuilder()
                        .withNewMetadata()
                        .withNamespace("default")
                        .withName(Integer.toString(i))
                        .withCreationTimestamp(t0.toString())
                        .endMetadata()
                        .withNewSpec()
                        .withNodeName("node")
                        .endSpec()
                        .withNewStatus()
                        .withPhase("Running")
                        .addNewCondition()
                        .withType("Ready")
                        .withStatus("True")
                        .withLastTransitionTime(t0.toString())
                        .endCondition()
                        .addNewContainerStatus()
                        .withName("c")
                        .withRestartCount(0)
                        .endContainerStatus()
                        .endStatus()
                        .build()));
    pods.get(1).getSpec().setNodeName(null); // unscheduled
    pods.get(2).getStatus().setPhase("Pending");
    pods.get(3).getStatus().getConditions().get(0).setStatus("False"); // not ready
    pods.get(4)
        .getStatus()
        .getConditions()
        .get(0)
        .setLastTransitionTime(t0.plusSeconds(60).toString()); // ready later
    pods.get(5).getStatus().getContainerStatuses().get(0).setRestartCount(3); // restarting
    pods.get(6).getMetadata().setCreationTimestamp(t0.plusSeconds(5).toString()); // newer

    List<Pod> sorted = new ArrayList<>(pods);
    sorted.sort(UpgradeOrder.ACTIVE_PODS_FIRST);

    assertThat(indexes(sorted)).containsExactly(1, 2, 3, 4, 5, 6, 0);
  }
}
