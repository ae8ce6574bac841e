package io.sidecarset.webhook;

import static io.sidecarset.webhook.WebhookFixtures.coldSet;
import static io.sidecarset.webhook.WebhookFixtures.hotUpgradeSet;
import static io.sidecarset.webhook.WebhookFixtures.pod;
import static io.sidecarset.webhook.WebhookFixtures.podRequest;
import static io.sidecarset.webhook.WebhookFixtures.reviewBody;
import static io.sidecarset.webhook.WebhookFixtures.sidecarSetRequest;
import static io.sidecarset.webhook.WebhookTester.get;
import static io.sidecarset.webhook.WebhookTester.post;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.admission.v1.AdmissionRequest;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.fabric8.zjsonpatch.JsonPatch;
import io.sidecarset.api.v1alpha1.SidecarContainerUpgradeStrategy;
import io.sidecarset.api.v1alpha1.SidecarSet;
import io.sidecarset.core.inject.SidecarInjector;
import java.net.InetSocketAddress;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The webhook as the apiserver sees it: real HTTPS requests with AdmissionReview bodies, verified
 * against the CA the webhook published, with SidecarSets and Namespaces served by an API server
 * (fabric8's mock, CRUD mode) through the webhook's informers.
 */
class WebhookServerIT {

  private static final ObjectMapper JSON = Serialization.jsonMapper();
  private static final String NAMESPACE = "shop";
  private static final Clock CLOCK =
      Clock.fixed(Instant.now().truncatedTo(ChronoUnit.SECONDS), ZoneOffset.UTC);

  private static WebhookTester tester;
  private static KubernetesClient webhookClient;
  private static WebhookServer webhook;
  private static InetSocketAddress address;
  private static HttpClient https;

  @BeforeAll
  static void start() throws Exception {
    tester = new WebhookTester();
    KubernetesClient api = tester.client();
    api.namespaces()
        .resource(
            new NamespaceBuilder()
                .withNewMetadata()
                .withName(NAMESPACE)
                .addToLabels("team", "shop")
                .endMetadata()
                .build())
        .create();
    // five sets select app=web: one HotUpgrade mesh proxy and four cold agents
    api.resource(hotUpgradeSet("mesh", "web")).create();
    for (String name : List.of("logs", "metrics", "trace", "audit")) {
      api.resource(coldSet(name, "web")).create();
    }
    api.resource(coldSet("batch-agent", "batch")).create();
    tester.createWebhookConfigurations();

    webhookClient = tester.newClient();
    webhook = WebhookServer.start(WebhookTester.config(), webhookClient, CLOCK);
    address = webhook.localAddress();
    https = WebhookTester.httpsClient(tester.storedCa());
    await()
        .atMost(Duration.ofSeconds(30))
        .pollInterval(Duration.ofMillis(100))
        .until(() -> get(https, address, "/readyz").statusCode() == 200);
  }

  @AfterAll
  static void stop() {
    if (webhook != null) {
      webhook.close();
    }
    if (webhookClient != null) {
      webhookClient.close();
    }
    tester.close();
  }

  private static JsonNode review(HttpResponse<String> response) throws Exception {
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    return JSON.readTree(response.body()).path("response");
  }

  private static List<SidecarSet> storedSets() {
    return tester.client().resources(SidecarSet.class).list().getItems();
  }

  @Test
  void mutatePod_podMatchingHotUpgradeSet_patchAppliedToPodYieldsCoresMutatedPod()
      throws Exception {
    Pod pod = pod("web");

    JsonNode response =
        review(
            post(
                https,
                address,
                "/mutate-pod?timeout=10s",
                reviewBody(podRequest("uid-web", "CREATE", NAMESPACE, pod))));

    assertThat(response.path("uid").asText()).isEqualTo("uid-web");
    assertThat(response.path("allowed").asBoolean()).isTrue();
    assertThat(response.path("patchType").asText()).isEqualTo("JSONPatch");
    JsonNode patch = JSON.readTree(Base64.getDecoder().decode(response.path("patch").asText()));
    Pod withNamespace =
        new PodBuilder(pod).editMetadata().withNamespace(NAMESPACE).endMetadata().build();
    Pod expected =
        new SidecarInjector(CLOCK)
            .inject(withNamespace, storedSets(), Map.of("team", "shop"))
            .pod();
    assertThat(JsonPatch.apply(patch, JSON.valueToTree(withNamespace)))
        .isEqualTo(JSON.valueToTree(expected));
    assertThat(expected.getSpec().getContainers())
        .extracting(c -> c.getName())
        .containsExactlyInAnyOrder(
            "app",
            "mesh-proxy-1",
            "mesh-proxy-2",
            "logs-agent",
            "metrics-agent",
            "trace-agent",
            "audit-agent");
  }

  @Test
  void mutatePod_podMatchingNothing_allowedWithoutPatch() throws Exception {
    JsonNode response =
        review(
            post(
                https,
                address,
                "/mutate-pod",
                reviewBody(podRequest("uid-none", "CREATE", NAMESPACE, pod("nothing")))));

    assertThat(response.path("uid").asText()).isEqualTo("uid-none");
    assertThat(response.path("allowed").asBoolean()).isTrue();
    assertThat(response.has("patch")).isFalse();
    assertThat(response.has("patchType")).isFalse();
  }

  @Test
  void mutatePod_retriedAdmissionOfInjectedPod_allowedWithoutPatch() throws Exception {
    Pod first = pod("web");
    JsonNode response =
        review(
            post(
                https,
                address,
                "/mutate-pod",
                reviewBody(podRequest("uid-a", "CREATE", NAMESPACE, first))));
    JsonNode patch = JSON.readTree(Base64.getDecoder().decode(response.path("patch").asText()));
    Pod withNamespace =
        new PodBuilder(first).editMetadata().withNamespace(NAMESPACE).endMetadata().build();
    Pod injected =
        JSON.treeToValue(JsonPatch.apply(patch, JSON.valueToTree(withNamespace)), Pod.class);

    JsonNode retried =
        review(
            post(
                https,
                address,
                "/mutate-pod",
                reviewBody(podRequest("uid-b", "CREATE", NAMESPACE, injected))));

    assertThat(retried.path("allowed").asBoolean()).isTrue();
    assertThat(retried.has("patch")).isFalse();
  }

  @Test
  void mutatePod_dryRun_answersSamePatch() throws Exception {
    AdmissionRequest dryRun = podRequest("uid-dry", "CREATE", NAMESPACE, pod("web"));
    dryRun.setDryRun(true);

    JsonNode real =
        review(
            post(
                https,
                address,
                "/mutate-pod",
                reviewBody(podRequest("uid-real", "CREATE", NAMESPACE, pod("web")))));
    JsonNode dry = review(post(https, address, "/mutate-pod", reviewBody(dryRun)));

    assertThat(dry.path("patch").asText()).isEqualTo(real.path("patch").asText());
    assertThat(get(https, address, "/metrics").body())
        .contains("sidecarset_webhook_injections_total{dry_run=\"true\",sidecarset=\"mesh\"}");
  }

  @Test
  void mutatePod_setCreatedThroughApi_isInjectedOnceTheWatchDeliversIt() throws Exception {
    tester.client().resource(coldSet("late", "late-app")).create();

    await()
        .atMost(Duration.ofSeconds(10))
        .pollInterval(Duration.ofMillis(100))
        .untilAsserted(
            () -> {
              JsonNode response =
                  review(
                      post(
                          https,
                          address,
                          "/mutate-pod",
                          reviewBody(
                              podRequest("uid-late", "CREATE", NAMESPACE, pod("late-app")))));
              String patch =
                  new String(
                      Base64.getDecoder().decode(response.path("patch").asText()),
                      StandardCharsets.UTF_8);
              assertThat(patch).contains("late-agent");
            });
  }

  @Test
  void validateSidecarSet_invalidSet_deniedWithEveryFieldPath() throws Exception {
    SidecarSet broken = hotUpgradeSet("broken", "web");
    broken.getSpec().setSelector(null);
    broken
        .getSpec()
        .getContainers()
        .get(0)
        .setUpgradeStrategy(
            new SidecarContainerUpgradeStrategy(SidecarContainerUpgradeStrategy.HOT_UPGRADE, null));

    JsonNode response =
        review(
            post(
                https,
                address,
                "/validate-sidecarset",
                reviewBody(sidecarSetRequest("uid-v1", "CREATE", broken, null))));

    assertThat(response.path("uid").asText()).isEqualTo("uid-v1");
    assertThat(response.path("allowed").asBoolean()).isFalse();
    assertThat(response.path("status").path("code").asInt()).isEqualTo(422);
    assertThat(response.path("status").path("reason").asText()).isEqualTo("Invalid");
    assertThat(response.path("status").path("message").asText())
        .contains("spec.selector: ")
        .contains("spec.containers[0].upgradeStrategy.hotUpgradeEmptyImage: ");
  }

  @Test
  void validateSidecarSet_containerNameTakenByStoredSet_denied() throws Exception {
    SidecarSet clash = coldSet("logs-again", "web");
    clash.getSpec().getContainers().get(0).setName("logs-agent");

    JsonNode response =
        review(
            post(
                https,
                address,
                "/validate-sidecarset",
                reviewBody(sidecarSetRequest("uid-v2", "CREATE", clash, null))));

    assertThat(response.path("allowed").asBoolean()).as(response.toString()).isFalse();
    assertThat(response.path("status").path("message").asText())
        .contains("spec.containers[0].name");
  }

  @Test
  void validateSidecarSet_validSet_allowed() throws Exception {
    JsonNode response =
        review(
            post(
                https,
                address,
                "/validate-sidecarset",
                reviewBody(
                    sidecarSetRequest(
                        "uid-v3", "CREATE", hotUpgradeSet("fresh", "fresh-app"), null))));

    assertThat(response.path("allowed").asBoolean()).isTrue();
  }

  static Stream<Arguments> badInputs() {
    byte[] tooLarge = new byte[3 * 1024 * 1024 + 1];
    java.util.Arrays.fill(tooLarge, (byte) ' ');
    byte[] deploymentReview =
        "{\"apiVersion\":\"admission.k8s.io/v1\",\"kind\":\"AdmissionReview\",\"request\":{\"uid\":\"u\",\"operation\":\"CREATE\",\"resource\":{\"group\":\"apps\",\"version\":\"v1\",\"resource\":\"deployments\"},\"object\":{}}}"
            .getBytes(StandardCharsets.UTF_8);
    return Stream.of(
        Arguments.of(
            "body not JSON",
            "POST",
            "/mutate-pod",
            "this is not json".getBytes(),
            400,
            "body is not JSON"),
        Arguments.of(
            "not an AdmissionReview",
            "POST",
            "/mutate-pod",
            "{\"kind\":\"Pod\",\"apiVersion\":\"v1\"}".getBytes(),
            400,
            "expected apiVersion admission.k8s.io/v1"),
        Arguments.of(
            "body over 3 MiB",
            "POST",
            "/mutate-pod",
            tooLarge,
            413,
            "request body exceeds 3145728 bytes"),
        Arguments.of(
            "kind the endpoint does not handle",
            "POST",
            "/validate-sidecarset",
            deploymentReview,
            400,
            "/validate-sidecarset handles apps.sidecarset.io/sidecarsets"),
        Arguments.of(
            "unknown path",
            "POST",
            "/mutate-deployment",
            new byte[0],
            404,
            "no endpoint /mutate-deployment"),
        Arguments.of("wrong method", "GET", "/mutate-pod", null, 405, "use POST"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("badInputs")
  void badInput_gets4xxWithReason_andServerKeepsServing(
      String scenario, String method, String path, byte[] body, int status, String reason)
      throws Exception {
    HttpResponse<String> response =
        "GET".equals(method) ? get(https, address, path) : post(https, address, path, body);

    assertThat(response.statusCode()).isEqualTo(status);
    assertThat(response.body()).contains(reason);
    JsonNode after =
        review(
            post(
                https,
                address,
                "/mutate-pod",
                reviewBody(podRequest("uid-after", "CREATE", NAMESPACE, pod("web")))));
    assertThat(after.path("patchType").asText()).isEqualTo("JSONPatch");
  }

  @Test
  void probesAndMetrics_answer() throws Exception {
    assertThat(get(https, address, "/healthz").statusCode()).isEqualTo(200);
    assertThat(get(https, address, "/readyz").statusCode()).isEqualTo(200);
    HttpResponse<String> metrics = get(https, address, "/metrics");
    assertThat(metrics.statusCode()).isEqualTo(200);
    assertThat(metrics.body())
        .contains(
            "sidecarset_webhook_requests_seconds_count{code=\"200\",endpoint=\"/mutate-pod\"}")
        .contains("sidecarset_webhook_certificate_expiry_timestamp_seconds");
  }
}
