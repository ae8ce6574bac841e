package io.sidecarset.controller;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.sidecarset.api.SidecarSetAnnotations;
import org.junit.jupiter.api.Test;

class InjectedSetsTest {

  static Pod pod(String injectedList) {
    var builder = new PodBuilder().withNewMetadata().withName("p").endMetadata();
    Pod pod = builder.build();
    if (injectedList != null) {
      pod.getMetadata().getAnnotations().put(SidecarSetAnnotations.INJECTED_LIST, injectedList);
    }
    return pod;
  }

  @Test
  void readsTheSetNamesOfTheInjectedList() {
    assertThat(InjectedSets.of(pod("logging,mesh"))).containsExactly("logging", "mesh");
    assertThat(InjectedSets.of(pod(" mesh , ,logging "))).containsExactly("mesh", "logging");
  }

  @Test
  void aPodWithoutTheListBelongsToNoSet() {
    assertThat(InjectedSets.of(pod(null))).isEmpty();
    assertThat(InjectedSets.of(pod(""))).isEmpty();
    assertThat(InjectedSets.of(new Pod())).isEmpty();
  }
}
