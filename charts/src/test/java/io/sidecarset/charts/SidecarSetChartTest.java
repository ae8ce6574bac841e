package io.sidecarset.charts;

import static io.sidecarset.charts.ChartRenderer.NAMESPACE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.marcnuri.helm.LintResult;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.LabelSelectorRequirement;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.MutatingWebhook;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.MutatingWebhookConfiguration;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.RuleWithOperations;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.ValidatingWebhook;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.ValidatingWebhookConfiguration;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.WebhookClientConfig;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBinding;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.sidecarset.api.ControllerEnv;
import io.sidecarset.api.SidecarSetLabels;
import io.sidecarset.api.v1alpha1.SidecarSet;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Renders charts/sidecarset with chosen values and checks the objects a cluster would get: the
 * security posture, RBAC exactly as intended, the webhook registrations, and the CRD being api's.
 */
class SidecarSetChartTest {

  private static final ChartRenderer CHART = ChartRenderer.of("sidecarset");
  private static final String FULLNAME = "scs-sidecarset";
  private static final String CONTROLLER = FULLNAME + "-controller";
  private static final String WEBHOOK = FULLNAME + "-webhook";
  private static final String MUTATING = FULLNAME + "-mutating";
  private static final String VALIDATING = FULLNAME + "-validating";
  private static final String CERT_SECRET = FULLNAME + "-webhook-cert";
  private static final String CRD_RESOURCE = "META-INF/fabric8/" + SidecarSet.CRD_NAME + "-v1.yml";

  /** Helm's own annotation, honoured by {@code helm uninstall}. */
  private static final String HELM_RESOURCE_POLICY = "helm.sh/resource-policy";

  private static final Map<String, Object> LOCAL = Map.of("local.enabled", true);

  /**
   * The webhook's env names, as its WebhookConfig.Setting reads them (not in api yet, unlike
   * ControllerEnv): kept here once so that a rename shows up as one failing place.
   */
  private static final String WEBHOOK_PORT_ENV = "SIDECARSET_WEBHOOK_PORT";

  private static final String WEBHOOK_BIND_ADDRESS_ENV = "SIDECARSET_WEBHOOK_BIND_ADDRESS";
  private static final String WEBHOOK_MUTATING_ENV = "SIDECARSET_WEBHOOK_MUTATING_CONFIGURATION";
  private static final String WEBHOOK_VALIDATING_ENV =
      "SIDECARSET_WEBHOOK_VALIDATING_CONFIGURATION";
  private static final String WEBHOOK_CERT_SECRET_ENV = "SIDECARSET_WEBHOOK_CERT_SECRET";
  private static final String WEBHOOK_SERVICE_NAME_ENV = "SIDECARSET_WEBHOOK_SERVICE_NAME";
  private static final String WEBHOOK_CERT_HOSTS_ENV = "SIDECARSET_WEBHOOK_CERT_HOSTS";
  private static final String WEBHOOK_CERT_DIR_ENV = "SIDECARSET_WEBHOOK_CERT_DIR";

  @Test
  void lint_withDefaultValues_passesStrict() {
    LintResult result = CHART.lint();

    assertThat(result.isFailed()).as("lint messages: %s", result.getMessages()).isFalse();
  }

  @ParameterizedTest
  @ValueSource(strings = {"values.yaml", "ci/default-values.yaml", "ci/local-values.yaml"})
  void render_withEachShippedValuesFile_givesBothComponents(String valuesFile) {
    RenderedChart chart = CHART.render(List.of(valuesFile), Map.of());

    assertThat(chart.all(Deployment.class))
        .extracting(d -> d.getMetadata().getName())
        .containsExactlyInAnyOrder(CONTROLLER, WEBHOOK);
    assertThat(chart.objects())
        .filteredOn(o -> !isClusterScoped(o))
        .allSatisfy(o -> assertThat(o.getMetadata().getNamespace()).isEqualTo(NAMESPACE));
  }

  @Nested
  class Deployments {

    @Test
    void defaults_twoReplicasEach_controllerElectsALeader() {
      RenderedChart chart = CHART.render(Map.of());

      Deployment controller = chart.get(Deployment.class, CONTROLLER);
      Deployment webhook = chart.get(Deployment.class, WEBHOOK);
      assertThat(controller.getSpec().getReplicas()).isEqualTo(2);
      assertThat(webhook.getSpec().getReplicas()).isEqualTo(2);
      assertThat(env(container(controller))).containsEntry(ControllerEnv.LEADER_ELECTION, "true");
      assertThat(env(container(controller))).containsEntry(ControllerEnv.LEASE_NAME, CONTROLLER);
      assertThat(env(container(controller)))
          .containsEntry(ControllerEnv.LEASE_NAMESPACE, NAMESPACE);
      assertThat(
              controller.getSpec().getStrategy().getRollingUpdate().getMaxUnavailable().getIntVal())
          .isZero();
    }

    @ParameterizedTest
    @ValueSource(strings = {CONTROLLER, WEBHOOK})
    void everyComponent_runsNonRootWithReadOnlyRootAndWritableTmp(String name) {
      Deployment deployment = CHART.render(Map.of()).get(Deployment.class, name);
      PodSpec pod = deployment.getSpec().getTemplate().getSpec();
      Container container = container(deployment);

      assertThat(pod.getSecurityContext().getRunAsNonRoot()).isTrue();
      assertThat(pod.getSecurityContext().getRunAsUser()).isPositive();
      assertThat(pod.getSecurityContext().getSeccompProfile().getType())
          .isEqualTo("RuntimeDefault");
      assertThat(container.getSecurityContext().getReadOnlyRootFilesystem()).isTrue();
      assertThat(container.getSecurityContext().getAllowPrivilegeEscalation()).isFalse();
      assertThat(container.getSecurityContext().getCapabilities().getDrop()).containsExactly("ALL");
      assertThat(pod.getVolumes())
          .anySatisfy(
              v -> {
                assertThat(v.getName()).isEqualTo("tmp");
                assertThat(v.getEmptyDir()).isNotNull();
              });
      assertThat(container.getVolumeMounts())
          .anySatisfy(
              m -> {
                assertThat(m.getName()).isEqualTo("tmp");
                assertThat(m.getMountPath()).isEqualTo("/tmp");
              });
      assertThat(container.getResources().getRequests()).containsKeys("cpu", "memory");
      assertThat(container.getResources().getLimits()).containsKey("memory");
      assertThat(pod.getHostNetwork()).isNull();
      assertThat(container.getImagePullPolicy()).isEqualTo("IfNotPresent");
      assertThat(env(container)).containsKeys(ControllerEnv.POD_NAME, ControllerEnv.POD_NAMESPACE);
      assertThat(env(container)).doesNotContainKeys("KUBERNETES_SERVICE_HOST");
    }

    @Test
    void controllerProbes_hitHealthAndReadinessOnItsHttpPort() {
      Container controller = container(CHART.render(Map.of()).get(Deployment.class, CONTROLLER));

      assertThat(controller.getPorts())
          .singleElement()
          .satisfies(
              p -> {
                assertThat(p.getName()).isEqualTo("http");
                assertThat(p.getContainerPort()).isEqualTo(9440);
              });
      assertThat(env(controller))
          .containsEntry(ControllerEnv.HTTP_PORT, "9440")
          .containsEntry(ControllerEnv.HTTP_ADDRESS, "0.0.0.0");
      assertHttpProbe(controller.getLivenessProbe(), "/healthz", "http", "HTTP");
      assertHttpProbe(controller.getReadinessProbe(), "/readyz", "http", "HTTP");
    }

    @Test
    void webhookProbes_useHttpsOnTheAdmissionPort() {
      Container webhook = container(CHART.render(Map.of()).get(Deployment.class, WEBHOOK));

      assertThat(webhook.getPorts())
          .singleElement()
          .satisfies(
              p -> {
                assertThat(p.getName()).isEqualTo("https");
                assertThat(p.getContainerPort()).isEqualTo(9443);
              });
      assertHttpProbe(webhook.getLivenessProbe(), "/healthz", "https", "HTTPS");
      assertHttpProbe(webhook.getReadinessProbe(), "/readyz", "https", "HTTPS");
      assertThat(env(webhook))
          .containsEntry(WEBHOOK_PORT_ENV, "9443")
          .containsEntry(WEBHOOK_BIND_ADDRESS_ENV, "0.0.0.0")
          .containsEntry(WEBHOOK_MUTATING_ENV, MUTATING)
          .containsEntry(WEBHOOK_VALIDATING_ENV, VALIDATING)
          .containsEntry(WEBHOOK_CERT_SECRET_ENV, CERT_SECRET)
          .containsEntry(WEBHOOK_SERVICE_NAME_ENV, WEBHOOK)
          .doesNotContainKey(WEBHOOK_CERT_HOSTS_ENV);
    }

    @Test
    void existingCertificateSecret_isMountedInsteadOfSelfManaged() {
      RenderedChart chart =
          CHART.render(Map.of("webhook.certificate.existingSecret", "from-cert-manager"));
      Deployment webhook = chart.get(Deployment.class, WEBHOOK);

      assertThat(webhook.getSpec().getTemplate().getSpec().getVolumes())
          .filteredOn(v -> v.getSecret() != null)
          .singleElement()
          .satisfies(v -> assertThat(v.getSecret().getSecretName()).isEqualTo("from-cert-manager"));
      assertThat(env(container(webhook)))
          .containsEntry(WEBHOOK_CERT_DIR_ENV, "/etc/sidecarset/certs")
          .doesNotContainKey(WEBHOOK_CERT_SECRET_ENV);
      assertThat(chart.find(Role.class, WEBHOOK + "-certificate")).isEmpty();
    }
  }

  @Nested
  class LocalMode {

    @ParameterizedTest
    @ValueSource(strings = {CONTROLLER, WEBHOOK})
    void everyComponent_oneReplicaOnTheHostNetworkReachingTheApiserverOnLoopback(String name) {
      Deployment deployment = CHART.render(LOCAL).get(Deployment.class, name);
      PodSpec pod = deployment.getSpec().getTemplate().getSpec();
      Container container = container(deployment);

      assertThat(deployment.getSpec().getReplicas()).isEqualTo(1);
      assertThat(deployment.getSpec().getStrategy().getType()).isEqualTo("Recreate");
      assertThat(pod.getHostNetwork()).isTrue();
      assertThat(pod.getDnsPolicy()).isEqualTo("ClusterFirstWithHostNet");
      assertThat(container.getImagePullPolicy()).isEqualTo("Never");
      assertThat(env(container))
          .containsEntry("KUBERNETES_SERVICE_HOST", "127.0.0.1")
          .containsEntry("KUBERNETES_SERVICE_PORT", "6443");
      assertThat(container.getLivenessProbe().getHttpGet().getHost()).isEqualTo("127.0.0.1");
      assertThat(container.getReadinessProbe().getHttpGet().getHost()).isEqualTo("127.0.0.1");
    }

    @Test
    void controllerEndpoints_stayOnLoopback() {
      Container controller = container(CHART.render(LOCAL).get(Deployment.class, CONTROLLER));

      assertThat(env(controller)).containsEntry(ControllerEnv.HTTP_ADDRESS, "127.0.0.1");
    }

    @Test
    void replicasAsked_areStillOne_becauseHostPortsCannotBeShared() {
      RenderedChart chart =
          CHART.render(
              Map.of("local.enabled", true, "controller.replicas", 3, "webhook.replicas", 3));

      assertThat(chart.all(Deployment.class))
          .allSatisfy(d -> assertThat(d.getSpec().getReplicas()).isEqualTo(1));
      assertThat(chart.all(PodDisruptionBudget.class)).isEmpty();
      assertThat(
              chart.all(io.fabric8.kubernetes.api.model.policy.v1beta1.PodDisruptionBudget.class))
          .isEmpty();
    }

    @Test
    void webhookConfigurations_callTheWebhookByLoopbackUrl_andNoServiceIsRendered() {
      RenderedChart chart = CHART.render(LOCAL);

      WebhookClientConfig mutating =
          chart
              .get(MutatingWebhookConfiguration.class, MUTATING)
              .getWebhooks()
              .get(0)
              .getClientConfig();
      WebhookClientConfig validating =
          chart
              .get(ValidatingWebhookConfiguration.class, VALIDATING)
              .getWebhooks()
              .get(0)
              .getClientConfig();
      assertThat(mutating.getUrl()).isEqualTo("https://127.0.0.1:9443/mutate-pod");
      assertThat(mutating.getService()).isNull();
      assertThat(validating.getUrl()).isEqualTo("https://127.0.0.1:9443/validate-sidecarset");
      assertThat(validating.getService()).isNull();
      assertThat(chart.all(Service.class)).isEmpty();
      assertThat(env(container(chart.get(Deployment.class, WEBHOOK))))
          .containsEntry(WEBHOOK_BIND_ADDRESS_ENV, "127.0.0.1")
          .containsEntry(WEBHOOK_CERT_HOSTS_ENV, "127.0.0.1");
    }

    @Test
    void webhookPort_changesTheUrlTheProbesAndTheListener() {
      RenderedChart chart = CHART.render(Map.of("local.enabled", true, "webhook.port", 19443));

      assertThat(
              chart
                  .get(MutatingWebhookConfiguration.class, MUTATING)
                  .getWebhooks()
                  .get(0)
                  .getClientConfig()
                  .getUrl())
          .isEqualTo("https://127.0.0.1:19443/mutate-pod");
      Container webhook = container(chart.get(Deployment.class, WEBHOOK));
      assertThat(webhook.getPorts().get(0).getContainerPort()).isEqualTo(19443);
      assertThat(env(webhook)).containsEntry(WEBHOOK_PORT_ENV, "19443");
    }
  }

  @Nested
  class Rbac {

    @Test
    void controllerClusterRole_isExactlyWhatTheUpgradesNeed() {
      ClusterRole role = CHART.render(Map.of()).get(ClusterRole.class, CONTROLLER);

      assertThat(rules(role.getRules()))
          .containsExactlyInAnyOrder(
              rule("apps.sidecarset.io", "sidecarsets", "get,list,watch,update,patch"),
              rule("apps.sidecarset.io", "sidecarsets/status", "get,update,patch"),
              rule("", "pods", "get,list,watch,patch"),
              rule("", "pods/status", "patch"),
              rule("", "events", "create,patch"),
              rule("", "namespaces", "get,list,watch"));
    }

    @Test
    void controllerLeaderElection_isOneLeaseInTheReleaseNamespace() {
      RenderedChart chart = CHART.render(Map.of());
      Role role = chart.get(Role.class, CONTROLLER + "-leader-election");

      assertThat(role.getMetadata().getNamespace()).isEqualTo(NAMESPACE);
      assertThat(rules(role.getRules()))
          .containsExactlyInAnyOrder(
              rule("coordination.k8s.io", "leases", CONTROLLER, "get,update,patch"),
              rule("coordination.k8s.io", "leases", "create"));
      assertBoundTo(
          chart.get(RoleBinding.class, CONTROLLER + "-leader-election").getSubjects(), CONTROLLER);
    }

    @Test
    void leaderElectionOff_rendersNoLeaseRole() {
      RenderedChart chart = CHART.render(Map.of("controller.leaderElection.enabled", false));

      assertThat(chart.find(Role.class, CONTROLLER + "-leader-election")).isEmpty();
      assertThat(env(container(chart.get(Deployment.class, CONTROLLER))))
          .containsEntry(ControllerEnv.LEADER_ELECTION, "false");
    }

    @Test
    void webhookClusterRole_readsAndWritesOnlyItsOwnConfigurationsByName() {
      ClusterRole role = CHART.render(Map.of()).get(ClusterRole.class, WEBHOOK);

      assertThat(rules(role.getRules()))
          .containsExactlyInAnyOrder(
              rule("apps.sidecarset.io", "sidecarsets", "get,list,watch"),
              rule("", "namespaces", "get,list,watch"),
              rule(
                  "admissionregistration.k8s.io",
                  "mutatingwebhookconfigurations",
                  MUTATING,
                  "get,update,patch"),
              rule(
                  "admissionregistration.k8s.io",
                  "validatingwebhookconfigurations",
                  VALIDATING,
                  "get,update,patch"));
    }

    @Test
    void webhookCertificateRole_isOneSecretInTheReleaseNamespace() {
      RenderedChart chart = CHART.render(Map.of());
      Role role = chart.get(Role.class, WEBHOOK + "-certificate");

      assertThat(role.getMetadata().getNamespace()).isEqualTo(NAMESPACE);
      assertThat(rules(role.getRules()))
          .containsExactlyInAnyOrder(
              rule("", "secrets", CERT_SECRET, "get,list,watch,update"),
              rule("", "secrets", "create"));
      assertBoundTo(chart.get(RoleBinding.class, WEBHOOK + "-certificate").getSubjects(), WEBHOOK);
    }

    @Test
    void everyBinding_namesTheServiceAccountItsDeploymentRunsAs() {
      RenderedChart chart = CHART.render(Map.of());

      for (String component : List.of(CONTROLLER, WEBHOOK)) {
        assertThat(chart.get(ServiceAccount.class, component).getMetadata().getNamespace())
            .isEqualTo(NAMESPACE);
        assertThat(
                chart
                    .get(Deployment.class, component)
                    .getSpec()
                    .getTemplate()
                    .getSpec()
                    .getServiceAccountName())
            .isEqualTo(component);
        ClusterRoleBinding binding = chart.get(ClusterRoleBinding.class, component);
        assertThat(binding.getRoleRef().getName()).isEqualTo(component);
        assertBoundTo(binding.getSubjects(), component);
      }
    }

    @Test
    void nothingAnywhere_grantsWildcardsOrSecretsClusterWide() {
      RenderedChart chart = CHART.render(Map.of());
      List<PolicyRule> all = new ArrayList<>();
      chart.all(ClusterRole.class).forEach(r -> all.addAll(r.getRules()));
      chart.all(Role.class).forEach(r -> all.addAll(r.getRules()));

      assertThat(all)
          .allSatisfy(
              r -> {
                assertThat(r.getVerbs()).doesNotContain("*");
                assertThat(r.getResources()).doesNotContain("*");
                assertThat(r.getApiGroups()).doesNotContain("*");
              });
      assertThat(chart.all(ClusterRole.class))
          .allSatisfy(
              r -> assertThat(r.getRules()).noneMatch(p -> p.getResources().contains("secrets")));
    }
  }

  @Nested
  class WebhookConfigurations {

    @Test
    void podWebhook_mutatesPodCreationThroughTheServiceAndFailsClosed() {
      MutatingWebhook webhook =
          CHART
              .render(Map.of())
              .get(MutatingWebhookConfiguration.class, MUTATING)
              .getWebhooks()
              .get(0);

      assertThat(webhook.getFailurePolicy()).isEqualTo("Fail");
      assertThat(webhook.getSideEffects()).isEqualTo("None");
      assertThat(webhook.getAdmissionReviewVersions()).containsExactly("v1");
      assertThat(webhook.getReinvocationPolicy()).isEqualTo("Never");
      assertThat(webhook.getClientConfig().getUrl()).isNull();
      assertThat(webhook.getClientConfig().getCaBundle())
          .as("the webhook writes its own CA at start")
          .isNull();
      assertThat(webhook.getClientConfig().getService().getName()).isEqualTo(WEBHOOK);
      assertThat(webhook.getClientConfig().getService().getNamespace()).isEqualTo(NAMESPACE);
      assertThat(webhook.getClientConfig().getService().getPath()).isEqualTo("/mutate-pod");
      assertThat(webhook.getClientConfig().getService().getPort()).isEqualTo(443);
      assertThat(webhook.getRules())
          .singleElement()
          .satisfies(r -> assertRule(r, "CREATE", "", "v1", "pods"));
    }

    @Test
    void podWebhook_neverSeesItsOwnNamespaceKubeSystemOrThePlatformsPods() {
      MutatingWebhook webhook =
          CHART
              .render(Map.of("webhook.excludedNamespaces[0]", "istio-system"))
              .get(MutatingWebhookConfiguration.class, MUTATING)
              .getWebhooks()
              .get(0);

      assertThat(webhook.getNamespaceSelector().getMatchExpressions())
          .singleElement()
          .satisfies(
              e ->
                  assertNotIn(
                      e,
                      SidecarSetLabels.NAMESPACE_NAME,
                      NAMESPACE,
                      "kube-system",
                      "istio-system"));
      assertThat(webhook.getObjectSelector().getMatchExpressions())
          .singleElement()
          .satisfies(e -> assertNotIn(e, SidecarSetLabels.APP_NAME, "sidecarset"));
      Deployment controller = CHART.render(Map.of()).get(Deployment.class, CONTROLLER);
      assertThat(controller.getSpec().getTemplate().getMetadata().getLabels())
          .as("the platform's own pods carry the label the objectSelector excludes")
          .containsEntry(SidecarSetLabels.APP_NAME, "sidecarset");
    }

    @Test
    void sidecarSetWebhook_validatesCreateAndUpdateAndFailsClosed() {
      ValidatingWebhook webhook =
          CHART
              .render(Map.of())
              .get(ValidatingWebhookConfiguration.class, VALIDATING)
              .getWebhooks()
              .get(0);

      assertThat(webhook.getFailurePolicy()).isEqualTo("Fail");
      assertThat(webhook.getSideEffects()).isEqualTo("None");
      assertThat(webhook.getAdmissionReviewVersions()).containsExactly("v1");
      assertThat(webhook.getClientConfig().getService().getPath())
          .isEqualTo("/validate-sidecarset");
      assertThat(webhook.getRules())
          .singleElement()
          .satisfies(
              r ->
                  assertRule(
                      r, "CREATE,UPDATE", SidecarSet.GROUP, SidecarSet.VERSION, SidecarSet.PLURAL));
    }

    @Test
    void webhookService_selectsOnlyTheWebhookPods() {
      RenderedChart chart = CHART.render(Map.of());
      Service service = chart.get(Service.class, WEBHOOK);
      Deployment webhook = chart.get(Deployment.class, WEBHOOK);

      assertThat(webhook.getSpec().getTemplate().getMetadata().getLabels())
          .containsAllEntriesOf(service.getSpec().getSelector());
      assertThat(service.getSpec().getSelector())
          .containsEntry(SidecarSetLabels.APP_COMPONENT, "webhook");
      assertThat(service.getSpec().getPorts())
          .singleElement()
          .satisfies(
              p -> {
                assertThat(p.getPort()).isEqualTo(443);
                assertThat(p.getTargetPort().getStrVal()).isEqualTo("https");
              });
    }
  }

  @Nested
  class DisruptionBudgets {

    @Test
    void defaults_keepOnePodOfEachComponentUp() {
      RenderedChart chart = CHART.render(Map.of());
      Map<String, PodDisruptionBudget> budgets =
          chart.all(PodDisruptionBudget.class).stream()
              .collect(Collectors.toMap(p -> p.getMetadata().getName(), p -> p));

      assertThat(budgets).containsOnlyKeys(CONTROLLER, WEBHOOK);
      budgets.forEach(
          (name, pdb) -> {
            assertThat(pdb.getSpec().getMinAvailable().getIntVal()).isEqualTo(1);
            assertThat(chart.get(Deployment.class, name).getSpec().getSelector().getMatchLabels())
                .isEqualTo(pdb.getSpec().getSelector().getMatchLabels());
          });
    }

    @Test
    void oneReplica_rendersNoBudget_becauseItWouldBlockEveryDrain() {
      RenderedChart chart = CHART.render(Map.of("controller.replicas", 1));

      assertThat(chart.all(PodDisruptionBudget.class))
          .extracting(p -> p.getMetadata().getName())
          .containsExactly(WEBHOOK);
    }
  }

  @Nested
  class Crd {

    @Test
    void installed_isApisGeneratedCrd() throws IOException {
      CustomResourceDefinition rendered =
          CHART.render(Map.of()).get(CustomResourceDefinition.class, SidecarSet.CRD_NAME);
      CustomResourceDefinition generated = generatedCrd();

      assertThat(rendered.getSpec()).isEqualTo(generated.getSpec());
      assertThat(rendered.getMetadata().getLabels())
          .containsEntry(SidecarSetLabels.APP_NAME, "sidecarset");
      assertThat(rendered.getMetadata().getAnnotations()).doesNotContainKey(HELM_RESOURCE_POLICY);
    }

    @Test
    void fileInTheChart_isByteForByteApisGeneratedYaml() throws IOException {
      byte[] inChart =
          Files.readAllBytes(
              CHART.chartDir().resolve("files/crds/" + SidecarSet.CRD_NAME + "-v1.yml"));
      try (InputStream generated = resource(CRD_RESOURCE)) {
        assertThat(inChart)
            .as("charts/sidecarset/files/crds is stale: rebuild the charts module after api")
            .isEqualTo(generated.readAllBytes());
      }
    }

    @Test
    void installFalse_rendersNoCrd() {
      assertThat(CHART.render(Map.of("crds.install", false)).all(CustomResourceDefinition.class))
          .isEmpty();
    }

    @Test
    void keep_annotatesTheCrdSoThatUninstallLeavesIt() {
      CustomResourceDefinition crd =
          CHART
              .render(Map.of("crds.keep", true))
              .get(CustomResourceDefinition.class, SidecarSet.CRD_NAME);

      assertThat(crd.getMetadata().getAnnotations()).containsEntry(HELM_RESOURCE_POLICY, "keep");
    }
  }

  @Nested
  class Names {

    @Test
    void longReleaseName_givesNamesOfAtMost63Characters() {
      // Helm allows release names of up to 53 characters: with the chart name that is 64
      String release = "a-release-name-as-long-as-helm-allows-fifty-three-chr";
      assertThat(release).hasSize(53);
      RenderedChart chart = CHART.render(release, List.of(), Map.of());

      List<String> names =
          chart.objects().stream().map(o -> o.getKind() + "/" + o.getMetadata().getName()).toList();
      assertThat(names).as("one name per object").doesNotHaveDuplicates();
      assertThat(chart.objects())
          .extracting(o -> o.getMetadata().getName())
          .allSatisfy(name -> assertThat(name).hasSizeLessThanOrEqualTo(63).doesNotEndWith("-"));
      assertThat(chart.objects())
          .flatExtracting(o -> o.getMetadata().getLabels().values())
          .allSatisfy(value -> assertThat(value).hasSizeLessThanOrEqualTo(63));
      assertThat(chart.all(Deployment.class))
          .extracting(d -> d.getMetadata().getName())
          .allSatisfy(name -> assertThat(name).startsWith(release.substring(0, 40)))
          .anySatisfy(name -> assertThat(name).endsWith("-controller"))
          .anySatisfy(name -> assertThat(name).endsWith("-webhook"));
    }

    @Test
    void releaseNamedLikeTheChart_isNotRepeated() {
      RenderedChart chart = CHART.render("sidecarset", List.of(), Map.of());

      assertThat(chart.all(Deployment.class))
          .extracting(d -> d.getMetadata().getName())
          .containsExactlyInAnyOrder("sidecarset-controller", "sidecarset-webhook");
    }

    @Test
    void fullnameOverride_namesEveryComponent() {
      RenderedChart chart = CHART.render(Map.of("fullnameOverride", "mesh"));

      assertThat(chart.get(MutatingWebhookConfiguration.class, "mesh-mutating")).isNotNull();
      assertThat(chart.get(Deployment.class, "mesh-controller")).isNotNull();
    }
  }

  @Test
  void readme_documentsEveryValue() throws IOException {
    String readme = Files.readString(CHART.chartDir().resolve("README.md"));
    Map<String, Object> values;
    try (InputStream in = Files.newInputStream(CHART.chartDir().resolve("values.yaml"))) {
      values = Serialization.unmarshal(in, Map.class);
    }
    Set<String> documented =
        readme
            .lines()
            .filter(l -> l.startsWith("| `"))
            .map(l -> l.substring(3, l.indexOf('`', 3)))
            .collect(Collectors.toCollection(TreeSet::new));

    assertThat(documented).containsAll(leafKeys("", values));
  }

  @Test
  void missingCrdFile_failsTheRenderWithTheFix() throws IOException {
    // render a copy of the chart without files/crds: the message must tell how to get the CRD
    java.nio.file.Path copy = Files.createTempDirectory("chart-without-crd");
    try (Stream<java.nio.file.Path> files = Files.walk(CHART.chartDir())) {
      for (java.nio.file.Path source : files.toList()) {
        java.nio.file.Path target = copy.resolve(CHART.chartDir().relativize(source).toString());
        if (Files.isDirectory(source)) {
          Files.createDirectories(target);
        } else if (!source.toString().endsWith(".yml")) {
          Files.copy(source, target);
        }
      }
    }
    assertThatThrownBy(() -> new com.marcnuri.helm.Helm(copy).template().withName("x").call())
        .hasMessageContaining("mvn -pl charts process-resources");
  }

  // ---------------------------------------------------------------- helpers

  private static boolean isClusterScoped(HasMetadata o) {
    return o instanceof ClusterRole
        || o instanceof ClusterRoleBinding
        || o instanceof MutatingWebhookConfiguration
        || o instanceof ValidatingWebhookConfiguration
        || o instanceof CustomResourceDefinition;
  }

  private static Container container(Deployment deployment) {
    List<Container> containers = deployment.getSpec().getTemplate().getSpec().getContainers();
    assertThat(containers).hasSize(1);
    return containers.get(0);
  }

  private static Map<String, String> env(Container container) {
    Map<String, String> env = new LinkedHashMap<>();
    for (EnvVar var : container.getEnv()) {
      env.put(var.getName(), var.getValue());
    }
    return env;
  }

  private static void assertHttpProbe(Probe probe, String path, String port, String scheme) {
    assertThat(probe.getHttpGet().getPath()).isEqualTo(path);
    assertThat(probe.getHttpGet().getPort().getStrVal()).isEqualTo(port);
    assertThat(probe.getHttpGet().getScheme() == null ? "HTTP" : probe.getHttpGet().getScheme())
        .isEqualTo(scheme);
    assertThat(probe.getPeriodSeconds()).isPositive();
    assertThat(probe.getTimeoutSeconds()).isPositive();
    assertThat(probe.getFailureThreshold()).isPositive();
  }

  private static void assertRule(
      RuleWithOperations rule, String operations, String group, String version, String resource) {
    assertThat(rule.getOperations()).containsExactly(operations.split(","));
    assertThat(rule.getApiGroups()).containsExactly(group);
    assertThat(rule.getApiVersions()).containsExactly(version);
    assertThat(rule.getResources()).containsExactly(resource);
  }

  private static void assertNotIn(LabelSelectorRequirement e, String key, String... values) {
    assertThat(e.getKey()).isEqualTo(key);
    assertThat(e.getOperator()).isEqualTo("NotIn");
    assertThat(e.getValues()).containsExactlyInAnyOrder(values);
  }

  private static void assertBoundTo(
      List<io.fabric8.kubernetes.api.model.rbac.Subject> subjects, String serviceAccount) {
    assertThat(subjects)
        .singleElement()
        .satisfies(
            s -> {
              assertThat(s.getKind()).isEqualTo("ServiceAccount");
              assertThat(s.getName()).isEqualTo(serviceAccount);
              assertThat(s.getNamespace()).isEqualTo(NAMESPACE);
            });
  }

  /** A rule as a comparable value: group, resource, names (may be empty) and sorted verbs. */
  private record Rule(String group, String resource, String names, Set<String> verbs) {}

  private static Rule rule(String group, String resource, String verbs) {
    return rule(group, resource, "", verbs);
  }

  private static Rule rule(String group, String resource, String names, String verbs) {
    return new Rule(group, resource, names, new TreeSet<>(List.of(verbs.split(","))));
  }

  /** One {@link Rule} per (group, resource) of each rule, so that the comparison is exact. */
  private static List<Rule> rules(List<PolicyRule> policyRules) {
    List<Rule> rules = new ArrayList<>();
    for (PolicyRule r : policyRules) {
      String names = r.getResourceNames() == null ? "" : String.join(",", r.getResourceNames());
      for (String group : r.getApiGroups()) {
        for (String resource : r.getResources()) {
          rules.add(new Rule(group, resource, names, new TreeSet<>(r.getVerbs())));
        }
      }
    }
    return rules;
  }

  @SuppressWarnings("unchecked")
  private static List<String> leafKeys(String prefix, Map<String, Object> values) {
    List<String> keys = new ArrayList<>();
    values.forEach(
        (key, value) -> {
          String path = prefix.isEmpty() ? key : prefix + "." + key;
          if (value instanceof Map<?, ?> map && !map.isEmpty() && !isFreeForm(path)) {
            keys.addAll(leafKeys(path, (Map<String, Object>) map));
          } else {
            keys.add(path);
          }
        });
    return keys;
  }

  /** Maps passed through whole (resources, probes, security contexts) are documented whole. */
  private static boolean isFreeForm(String path) {
    return path.endsWith("resources") || path.endsWith("Probe") || path.endsWith("SecurityContext");
  }

  private static CustomResourceDefinition generatedCrd() throws IOException {
    try (InputStream in = resource(CRD_RESOURCE)) {
      return Serialization.unmarshal(in, CustomResourceDefinition.class);
    }
  }

  private static InputStream resource(String name) {
    InputStream in = SidecarSetChartTest.class.getClassLoader().getResourceAsStream(name);
    if (in == null) {
      throw new IllegalStateException(name + " is not on the test classpath (sidecarset-api)");
    }
    return in;
  }
}
