package io.sidecarset.webhook.admission;

import static io.sidecarset.webhook.WebhookFixtures.coldSet;
import static io.sidecarset.webhook.WebhookFixtures.hotUpgradeSet;
import static io.sidecarset.webhook.WebhookFixtures.pod;
import static io.sidecarset.webhook.WebhookFixtures.podRequest;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.GroupVersionResource;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.admission.v1.AdmissionRequest;
import io.fabric8.kubernetes.api.model.admission.v1.AdmissionResponse;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.fabric8.zjsonpatch.JsonPatch;
import io.sidecarset.api.SidecarSetAnnotations;
import io.sidecarset.api.v1alpha1.SidecarSet;
import io.sidecarset.core.inject.SidecarInjector;
import io.sidecarset.webhook.cluster.InMemoryClusterCache;
import io.sidecarset.webhook.metrics.WebhookMetrics;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class PodMutationHandlerTest {

  private static final ObjectMapper JSON = Serialization.jsonMapper();
  private static final Clock CLOCK =
      Clock.fixed(Instant.parse("2026-01-02T03:04:05Z"), ZoneOffset.UTC);
  private static final String NAMESPACE = "shop";

  private final WebhookMetrics metrics = new WebhookMetrics();

  @AfterEach
  void closeMetrics() {
    metrics.close();
  }

  private PodMutationHandler handler(List<SidecarSet> sets) {
    return new PodMutationHandler(
        InMemoryClusterCache.of(sets, Map.of(NAMESPACE, Map.of("team", "shop"))),
        new SidecarInjector(CLOCK),
        metrics);
  }

  @Test
  void handle_whenPodMatchesHotUpgradeSet_patchYieldsExactlyCoresMutatedPod() throws Exception {
    List<SidecarSet> sets = List.of(hotUpgradeSet("mesh", "web"), coldSet("logs", "web"));
    Pod pod = pod("web");

    AdmissionResponse response =
        handler(sets).handle(podRequest("uid-1", "CREATE", NAMESPACE, pod));

    assertThat(response.getUid()).isEqualTo("uid-1");
    assertThat(response.getAllowed()).isTrue();
    assertThat(response.getPatchType()).isEqualTo("JSONPatch");
    Pod expected = expectedMutation(pod, sets);
    JsonNode patched = JsonPatch.apply(decodePatch(response), JSON.valueToTree(withNamespace(pod)));
    assertThat(patched).isEqualTo(JSON.valueToTree(expected));
    assertThat(expected.getSpec().getContainers())
        .extracting(c -> c.getName())
        .contains("mesh-proxy-1", "mesh-proxy-2", "logs-agent", "app");
  }

  @Test
  void handle_whenPodMatchesNothing_allowsWithoutPatch() throws Exception {
    AdmissionResponse response =
        handler(List.of(hotUpgradeSet("mesh", "web")))
            .handle(podRequest("uid-2", "CREATE", NAMESPACE, pod("batch")));

    assertThat(response.getAllowed()).isTrue();
    assertThat(response.getPatch()).isNull();
    assertThat(response.getPatchType()).isNull();
  }

  @Test
  void handle_whenPodAlreadyInjected_allowsWithoutPatch() throws Exception {
    List<SidecarSet> sets = List.of(hotUpgradeSet("mesh", "web"));
    Pod injected = expectedMutation(pod("web"), sets);

    AdmissionResponse retried =
        handler(sets).handle(podRequest("uid-3", "CREATE", NAMESPACE, injected));

    assertThat(retried.getAllowed()).isTrue();
    assertThat(retried.getPatch()).isNull();
  }

  @Test
  void handle_whenDryRun_returnsSamePatchAndCountsInjectionAsDryRun() throws Exception {
    List<SidecarSet> sets = List.of(hotUpgradeSet("mesh", "web"));
    AdmissionRequest real = podRequest("uid-4", "CREATE", NAMESPACE, pod("web"));
    AdmissionRequest dryRun = podRequest("uid-5", "CREATE", NAMESPACE, pod("web"));
    dryRun.setDryRun(true);

    AdmissionResponse realResponse = handler(sets).handle(real);
    AdmissionResponse dryRunResponse = handler(sets).handle(dryRun);

    assertThat(dryRunResponse.getPatch()).isEqualTo(realResponse.getPatch());
    assertThat(metrics.scrape())
        .contains("sidecarset_webhook_injections_total{dry_run=\"true\",sidecarset=\"mesh\"} 1.0")
        .contains("sidecarset_webhook_injections_total{dry_run=\"false\",sidecarset=\"mesh\"} 1.0");
  }

  @Test
  void handle_whenNamespaceSelectorExcludesNamespace_allowsWithoutPatch() throws Exception {
    SidecarSet set = hotUpgradeSet("mesh", "web");
    set.getSpec()
        .setNamespaceSelector(
            new io.fabric8.kubernetes.api.model.LabelSelectorBuilder()
                .addToMatchLabels("team", "payments")
                .build());

    AdmissionResponse response =
        handler(List.of(set)).handle(podRequest("uid-6", "CREATE", NAMESPACE, pod("web")));

    assertThat(response.getPatch()).isNull();
  }

  @Test
  void handle_whenOperationIsUpdate_allowsWithoutPatch() throws Exception {
    AdmissionResponse response =
        handler(List.of(hotUpgradeSet("mesh", "web")))
            .handle(podRequest("uid-7", "UPDATE", NAMESPACE, pod("web")));

    assertThat(response.getAllowed()).isTrue();
    assertThat(response.getPatch()).isNull();
  }

  @Test
  void handle_whenResourceIsNotPods_throwsBadRequest() {
    AdmissionRequest request = podRequest("uid-8", "CREATE", NAMESPACE, pod("web"));
    request.setResource(new GroupVersionResource("apps", "deployments", "v1"));

    assertThatThrownBy(() -> handler(List.of()).handle(request))
        .isInstanceOf(BadAdmissionRequestException.class)
        .hasMessageContaining("apps/v1/deployments")
        .satisfies(e -> assertThat(((BadAdmissionRequestException) e).httpStatus()).isEqualTo(400));
  }

  @Test
  void handle_whenObjectIsNotAPod_throwsBadRequest() {
    AdmissionRequest request = podRequest("uid-9", "CREATE", NAMESPACE, null);
    request.setObject(Map.of("spec", "not a pod spec"));

    assertThatThrownBy(() -> handler(List.of()).handle(request))
        .isInstanceOf(BadAdmissionRequestException.class)
        .hasMessageContaining("request.object is not a Pod");
  }

  @Test
  void handle_whenAnnotationKeysNeedEscaping_patchUsesJsonPointerEscapes() throws Exception {
    List<SidecarSet> sets = List.of(hotUpgradeSet("mesh", "web"));
    Pod pod =
        new PodBuilder(pod("web"))
            .editMetadata()
            .addToAnnotations("a~b/c", "x")
            .endMetadata()
            .build();

    AdmissionResponse response =
        handler(sets).handle(podRequest("uid-10", "CREATE", NAMESPACE, pod));

    String patch =
        new String(Base64.getDecoder().decode(response.getPatch()), StandardCharsets.UTF_8);
    assertThat(patch)
        .contains("/metadata/annotations/" + SidecarSetAnnotations.HASH.replace("/", "~1"));
    JsonNode patched = JsonPatch.apply(decodePatch(response), JSON.valueToTree(withNamespace(pod)));
    assertThat(patched.path("metadata").path("annotations").path("a~b/c").asText()).isEqualTo("x");
  }

  private static Pod withNamespace(Pod pod) {
    return new PodBuilder(pod).editMetadata().withNamespace(NAMESPACE).endMetadata().build();
  }

  private static Pod expectedMutation(Pod pod, List<SidecarSet> sets) {
    return new SidecarInjector(CLOCK)
        .inject(withNamespace(pod), sets, Map.of("team", "shop"))
        .pod();
  }

  private static JsonNode decodePatch(AdmissionResponse response) throws Exception {
    return JSON.readTree(Base64.getDecoder().decode(response.getPatch()));
  }
}
