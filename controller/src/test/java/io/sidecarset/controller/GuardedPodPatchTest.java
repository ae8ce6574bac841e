package io.sidecarset.controller;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodConditionBuilder;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class GuardedPodPatchTest {

  static final ObjectMapper JSON = new ObjectMapper();

  static Pod planned() {
    return new PodBuilder()
        .withNewMetadata()
        .withNamespace("demo")
        .withName("pod-a")
        .withResourceVersion("41")
        .addToAnnotations("sidecarset.io/hash", "{\"mesh\":{\"hash\":\"h1\"}}")
        .endMetadata()
        .withNewSpec()
        .addNewContainer()
        .withName("proxy-1")
        .withImage("proxy:v1")
        .endContainer()
        .addNewContainer()
        .withName("proxy-2")
        .withImage("empty:1")
        .endContainer()
        .endSpec()
        .withNewStatus()
        .withPhase("Running")
        .addNewCondition()
        .withType("Ready")
        .withStatus("True")
        .endCondition()
        .endStatus()
        .build();
  }

  static List<JsonNode> ops(String patch) throws Exception {
    List<JsonNode> ops = new ArrayList<>();
    JSON.readTree(patch).forEach(ops::add);
    return ops;
  }

  @Test
  void podPatch_startsWithATestOfTheResourceVersion_thenChangesOnlyWhatThePlanChanged()
      throws Exception {
    Pod desired = new PodBuilder(planned()).build();
    desired.getSpec().getContainers().get(1).setImage("proxy:v2");
    desired
        .getMetadata()
        .getAnnotations()
        .put("sidecarset.io/hash", "{\"mesh\":{\"hash\":\"h2\"}}");
    desired
        .getMetadata()
        .getAnnotations()
        .put("sidecarset.io/working-hotupgrade-container", "{\"proxy\":\"proxy-2\"}");

    List<JsonNode> ops =
        ops(GuardedPodPatch.of(planned(), desired, "41", GuardedPodPatch.Scope.POD).orElseThrow());

    assertThat(ops.get(0).toString())
        .isEqualTo("{\"op\":\"test\",\"path\":\"/metadata/resourceVersion\",\"value\":\"41\"}");
    assertThat(ops.subList(1, ops.size()))
        .extracting(
            op -> op.get("op").asText() + " " + op.get("path").asText() + " " + op.get("value"))
        .containsExactlyInAnyOrder(
            "replace /metadata/annotations/sidecarset.io~1hash \"{\\\"mesh\\\":{\\\"hash\\\":\\\"h2\\\"}}\"",
            "add /metadata/annotations/sidecarset.io~1working-hotupgrade-container \"{\\\"proxy\\\":\\\"proxy-2\\\"}\"",
            "replace /spec/containers/1/image \"proxy:v2\"");
  }

  @Test
  void statusPatch_carriesOnlyStatusChanges_guardedByTheGivenVersion() throws Exception {
    Pod desired = new PodBuilder(planned()).build();
    desired
        .getStatus()
        .getConditions()
        .add(
            new PodConditionBuilder()
                .withType("sidecarset.io/SidecarSetUpgradable")
                .withStatus("True")
                .build());
    desired.getMetadata().getAnnotations().put("ignored", "in a status patch");

    List<JsonNode> ops =
        ops(
            GuardedPodPatch.of(planned(), desired, "42", GuardedPodPatch.Scope.STATUS)
                .orElseThrow());

    assertThat(ops).hasSize(2);
    assertThat(ops.get(0).get("value").asText()).isEqualTo("42");
    assertThat(ops.get(1).get("path").asText()).isEqualTo("/status/conditions/1");
    assertThat(ops.get(1).get("op").asText()).isEqualTo("add");
  }

  @Test
  void nothingToChangeInAScope_isNoPatch() {
    Pod desired = new PodBuilder(planned()).build();
    desired.getSpec().getContainers().get(1).setImage("proxy:v2");

    assertThat(GuardedPodPatch.of(planned(), desired, "41", GuardedPodPatch.Scope.STATUS))
        .isEmpty();
    assertThat(GuardedPodPatch.of(planned(), planned(), "41", GuardedPodPatch.Scope.POD)).isEmpty();
  }
}
