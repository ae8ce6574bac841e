package io.sidecarset.webhook;

import static io.sidecarset.webhook.WebhookFixtures.coldSet;
import static io.sidecarset.webhook.WebhookFixtures.hotUpgradeSet;
import static io.sidecarset.webhook.WebhookFixtures.pod;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.ServiceAccountBuilder;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.MutatingWebhookConfigurationBuilder;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.ValidatingWebhookConfigurationBuilder;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.sidecarset.api.SidecarSetAnnotations;
import io.sidecarset.api.v1alpha1.SidecarContainerUpgradeStrategy;
import io.sidecarset.api.v1alpha1.SidecarSet;
import io.sidecarset.core.inject.SidecarInjector;
import io.sidecarset.webhook.tls.CertificateSecretCodec;
import io.sidecarset.webhook.tls.PemCodec;
import java.io.InputStream;
import java.net.ServerSocket;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A real kube-apiserver calls the webhook: it trusts the CA the webhook wrote into the
 * configurations, applies the JSON Patch to pods it stores, and refuses SidecarSets the webhook
 * denies, relaying the field paths. Admission URLs are {@code https://127.0.0.1:<port>} (local
 * mode: no Service routing without kube-proxy). The webhook starts before the CRD exists and
 * becomes ready once it appears.
 */
class ApiServerAdmissionIT {

  private static final String SYSTEM = "sidecarset-system";
  private static final String SHOP = "shop";
  private static final String MUTATING = "sidecarset-it-mutating";
  private static final String VALIDATING = "sidecarset-it-validating";
  private static final Duration WAIT = Duration.ofSeconds(60);

  private static BareApiServer apiserver;
  private static KubernetesClient admin;
  private static KubernetesClient webhookClient;
  private static WebhookServer webhook;

  @BeforeAll
  static void start() throws Exception {
    apiserver = BareApiServer.start(Path.of("target", "apiserver-it"));
    admin =
        new KubernetesClientBuilder()
            .withConfig(Config.fromKubeconfig(apiserver.kubeconfig().toFile()))
            .build();
    for (String namespace : List.of(SYSTEM, SHOP)) {
      admin
          .namespaces()
          .resource(
              new NamespaceBuilder()
                  .withNewMetadata()
                  .withName(namespace)
                  .addToLabels("team", namespace)
                  .endMetadata()
                  .build())
          .create();
    }
    // no controller-manager: make the service account pods default to, without a token to mount
    admin
        .serviceAccounts()
        .inNamespace(SHOP)
        .resource(
            new ServiceAccountBuilder()
                .withNewMetadata()
                .withName("default")
                .endMetadata()
                .withAutomountServiceAccountToken(false)
                .build())
        .create();
    int port = freePort();
    createWebhookConfigurations(port);

    webhookClient =
        new KubernetesClientBuilder()
            .withConfig(Config.fromKubeconfig(apiserver.kubeconfig().toFile()))
            .build();
    WebhookConfig config =
        WebhookConfig.from(
            Map.of(),
            "--port=" + port,
            "--bind-address=127.0.0.1",
            "--namespace=" + SYSTEM,
            "--cert-hosts=127.0.0.1",
            "--mutating-configuration=" + MUTATING,
            "--validating-configuration=" + VALIDATING);
    // started before the CRD exists: it must not serve admissions yet, and must recover by itself
    webhook = WebhookServer.start(config, webhookClient, Clock.systemUTC());
    HttpClient https =
        WebhookTester.httpsClient(
            PemCodec.certificates(
                new String(
                    Base64.getDecoder()
                        .decode(
                            admin
                                .secrets()
                                .inNamespace(SYSTEM)
                                .withName(config.secretName())
                                .get()
                                .getData()
                                .get(CertificateSecretCodec.CA_CERT)),
                    StandardCharsets.UTF_8)));
    HttpResponse<String> beforeCrd = WebhookTester.get(https, webhook.localAddress(), "/readyz");
    assertThat(beforeCrd.statusCode()).isEqualTo(503);
    assertThat(beforeCrd.body()).contains("caches not synced");
    installCrd();
    await()
        .atMost(WAIT)
        .pollInterval(Duration.ofMillis(500))
        .until(
            () -> WebhookTester.get(https, webhook.localAddress(), "/readyz").statusCode() == 200);

    // the apiserver reads webhook configurations through its own informer: the first admission
    // may still see the configuration without caBundle, so the first set is created with retries
    await()
        .atMost(WAIT)
        .pollInterval(Duration.ofMillis(500))
        .ignoreException(KubernetesClientException.class)
        .until(() -> admin.resource(hotUpgradeSet("mesh", "web")).create() != null);
    for (String name : List.of("logs", "metrics", "trace", "audit")) {
      admin.resource(coldSet(name, "web")).create();
    }
  }

  @AfterAll
  static void stop() throws Exception {
    if (webhook != null) {
      webhook.close();
    }
    if (webhookClient != null) {
      webhookClient.close();
    }
    if (admin != null) {
      admin.close();
    }
    if (apiserver != null) {
      apiserver.close();
    }
  }

  private static void installCrd() {
    try (InputStream yaml =
        SidecarSet.class.getResourceAsStream(
            "/META-INF/fabric8/" + SidecarSet.CRD_NAME + "-v1.yml")) {
      CustomResourceDefinition crd =
          admin.apiextensions().v1().customResourceDefinitions().load(yaml).item();
      admin.resource(crd).create();
    } catch (java.io.IOException e) {
      throw new IllegalStateException(e);
    }
    admin
        .apiextensions()
        .v1()
        .customResourceDefinitions()
        .withName(SidecarSet.CRD_NAME)
        .waitUntilCondition(
            crd ->
                crd.getStatus() != null
                    && crd.getStatus().getConditions() != null
                    && crd.getStatus().getConditions().stream()
                        .anyMatch(
                            c -> "Established".equals(c.getType()) && "True".equals(c.getStatus())),
            30,
            TimeUnit.SECONDS);
  }

  private static void createWebhookConfigurations(int port) {
    String base = "https://127.0.0.1:" + port;
    admin
        .resource(
            new MutatingWebhookConfigurationBuilder()
                .withNewMetadata()
                .withName(MUTATING)
                .endMetadata()
                .addNewWebhook()
                .withName("pods.mutating.sidecarset.io")
                .withAdmissionReviewVersions("v1")
                .withSideEffects("None")
                .withFailurePolicy("Fail")
                .withTimeoutSeconds(10)
                .withNewClientConfig()
                .withUrl(base + "/mutate-pod")
                .endClientConfig()
                .addNewRule()
                .withOperations("CREATE")
                .withApiGroups("")
                .withApiVersions("v1")
                .withResources("pods")
                .endRule()
                .withNewNamespaceSelector()
                .addToMatchLabels("team", SHOP)
                .endNamespaceSelector()
                .endWebhook()
                .build())
        .create();
    admin
        .resource(
            new ValidatingWebhookConfigurationBuilder()
                .withNewMetadata()
                .withName(VALIDATING)
                .endMetadata()
                .addNewWebhook()
                .withName("sidecarsets.validating.sidecarset.io")
                .withAdmissionReviewVersions("v1")
                .withSideEffects("None")
                .withFailurePolicy("Fail")
                .withTimeoutSeconds(10)
                .withNewClientConfig()
                .withUrl(base + "/validate-sidecarset")
                .endClientConfig()
                .addNewRule()
                .withOperations("CREATE", "UPDATE")
                .withApiGroups(SidecarSet.GROUP)
                .withApiVersions(SidecarSet.VERSION)
                .withResources(SidecarSet.PLURAL)
                .endRule()
                .endWebhook()
                .build())
        .create();
  }

  private static int freePort() throws java.io.IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }

  /** Waits until the webhook's cache holds every set the API server has (watch latency). */
  private static void awaitCacheHoldsAllSets() {
    int stored = admin.resources(SidecarSet.class).list().getItems().size();
    await()
        .atMost(WAIT)
        .pollInterval(Duration.ofMillis(200))
        .until(
            () -> {
              Pod probe = admin.pods().inNamespace(SHOP).resource(pod("web")).dryRun().create();
              String list =
                  probe.getMetadata().getAnnotations().get(SidecarSetAnnotations.INJECTED_LIST);
              return list != null && list.split(",").length >= stored;
            });
  }

  @Test
  void podCreated_isStoredWithTheSidecarsCoreInjects() {
    awaitCacheHoldsAllSets();

    Pod stored = admin.pods().inNamespace(SHOP).resource(pod("web")).create();

    Pod expected =
        new SidecarInjector(Clock.systemUTC())
            .inject(
                new PodBuilder(pod("web")).editMetadata().withNamespace(SHOP).endMetadata().build(),
                admin.resources(SidecarSet.class).list().getItems(),
                Map.of("team", SHOP))
            .pod();
    assertThat(stored.getSpec().getContainers())
        .extracting(Container::getName)
        .containsExactlyElementsOf(
            expected.getSpec().getContainers().stream().map(Container::getName).toList());
    assertThat(stored.getSpec().getContainers())
        .extracting(Container::getImage)
        .containsExactlyElementsOf(
            expected.getSpec().getContainers().stream().map(Container::getImage).toList());
    Container slot2 = container(stored, "mesh-proxy-2");
    assertThat(slot2.getImage()).isEqualTo(WebhookFixtures.EMPTY_IMAGE);
    assertThat(slot2.getEnv())
        .extracting(e -> e.getName())
        .contains("SIDECARSET_VERSION", "SIDECARSET_VERSION_ALT");
    // every annotation and label core writes is stored (the hash annotations carry a timestamp)
    assertThat(stored.getMetadata().getAnnotations())
        .containsOnlyKeys(expected.getMetadata().getAnnotations().keySet());
    assertThat(stored.getMetadata().getAnnotations().get(SidecarSetAnnotations.INJECTED_LIST))
        .isEqualTo(
            expected.getMetadata().getAnnotations().get(SidecarSetAnnotations.INJECTED_LIST));
    assertThat(stored.getMetadata().getLabels())
        .containsAllEntriesOf(expected.getMetadata().getLabels());
  }

  @Test
  void podMatchingNothing_isStoredUnchanged() {
    Pod stored = admin.pods().inNamespace(SHOP).resource(pod("nothing")).create();

    assertThat(stored.getSpec().getContainers())
        .extracting(Container::getName)
        .containsExactly("app");
    assertThat(stored.getMetadata().getAnnotations()).isNullOrEmpty();
  }

  @Test
  void dryRunPodCreate_showsTheInjectedPod_andStoresNothing() {
    awaitCacheHoldsAllSets();
    int before = admin.pods().inNamespace(SHOP).list().getItems().size();

    Pod shown = admin.pods().inNamespace(SHOP).resource(pod("web")).dryRun().create();

    assertThat(shown.getSpec().getContainers())
        .extracting(Container::getName)
        .contains("mesh-proxy-1", "mesh-proxy-2");
    assertThat(admin.pods().inNamespace(SHOP).list().getItems()).hasSize(before);
  }

  @Test
  void invalidSidecarSet_isRefusedByTheApiServer_withTheWebhooksFieldPaths() {
    SidecarSet broken = hotUpgradeSet("broken", "web");
    broken
        .getSpec()
        .getContainers()
        .get(0)
        .setUpgradeStrategy(
            new SidecarContainerUpgradeStrategy(SidecarContainerUpgradeStrategy.HOT_UPGRADE, null));
    SidecarSet clash = coldSet("logs-again", "web");
    clash.getSpec().getContainers().get(0).setName("logs-agent");

    assertThatThrownBy(() -> admin.resource(broken).create())
        .isInstanceOf(KubernetesClientException.class)
        .hasMessageContaining("denied the request")
        .hasMessageContaining("spec.containers[0].upgradeStrategy.hotUpgradeEmptyImage");
    assertThatThrownBy(() -> admin.resource(clash).create())
        .isInstanceOf(KubernetesClientException.class)
        .hasMessageContaining("spec.containers[0].name");
    assertThat(admin.resources(SidecarSet.class).withName("broken").get()).isNull();
  }

  @Test
  void sidecarSetUpdate_changingUpgradeType_isRefused() {
    SidecarSet mesh = admin.resources(SidecarSet.class).withName("mesh").get();
    mesh.getSpec()
        .getContainers()
        .get(0)
        .setUpgradeStrategy(
            new SidecarContainerUpgradeStrategy(
                SidecarContainerUpgradeStrategy.COLD_UPGRADE, null));

    assertThatThrownBy(() -> admin.resource(mesh).update())
        .isInstanceOf(KubernetesClientException.class)
        .hasMessageContaining("spec.containers[0].upgradeStrategy");
  }

  private static Container container(Pod pod, String name) {
    return pod.getSpec().getContainers().stream()
        .filter(c -> c.getName().equals(name))
        .findFirst()
        .orElseThrow();
  }
}
