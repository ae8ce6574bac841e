package io.sidecarset.core.upgrade;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodConditionBuilder;
import io.sidecarset.api.v1alpha1.SidecarSet;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The planner gets pods straight from an informer cache: it must never change them. */
class PodEditorTest {

  @Test
  void editsADeepCopy_neverThePodItWasGiven() {
    Pod original = InjectedPods.injected(SidecarSets.hot("proxy:v1"), "pod-a");
    Pod before = new PodBuilder(original).build();

    Pod edited =
        new PodEditor(original)
            .image("proxy-2", "proxy:v2")
            .annotation("sidecarset.io/hash", "{}")
            .condition(new PodConditionBuilder().withType("Ready").withStatus("False").build())
            .build();

    assertThat(original).isEqualTo(before);
    assertThat(edited).isNotEqualTo(before);
    assertThat(edited.getSpec().getContainers().get(1).getImage()).isEqualTo("proxy:v2");
  }

  @Test
  void planningLeavesEveryPodAsItWas() {
    SidecarSet v1 = SidecarSets.hot("proxy:v1");
    List<Pod> pods = InjectedPods.injected(v1, 5);
    List<Pod> copies = pods.stream().map(p -> new PodBuilder(p).build()).toList();
    SidecarSet v2 =
        SidecarSets.next(
            SidecarSets.withImage(v1, "proxy:v2"),
            s -> s.getSpec().getUpdateStrategy().setMaxUnavailable(SidecarSets.percent("100%")));

    UpgradePlan plan = new UpgradePlanner().plan(v2, pods, Instant.parse("2026-11-26T10:00:00Z"));

    assertThat(plan.actions()).hasSize(10);
    assertThat(pods).isEqualTo(copies);
  }
}
