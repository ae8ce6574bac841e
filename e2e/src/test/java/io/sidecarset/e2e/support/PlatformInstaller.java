package io.sidecarset.e2e.support;

import static org.awaitility.Awaitility.await;

import com.marcnuri.helm.Helm;
import com.marcnuri.helm.InstallCommand;
import com.marcnuri.helm.Release;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.MutatingWebhookConfiguration;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.ValidatingWebhookConfiguration;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.sidecarset.api.SidecarSetLabels;
import io.sidecarset.api.v1alpha1.SidecarSet;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Installs and uninstalls the platform chart ({@code charts/sidecarset}) from Java through
 * helm-java (the native Helm inside a jar), and waits until the platform really works: both
 * Deployments ready, the webhook's CA in both webhook configurations, and the apiserver getting an
 * answer from the validating webhook.
 */
public final class PlatformInstaller {

  private static final Logger LOG = LoggerFactory.getLogger(PlatformInstaller.class);

  public static final String RELEASE = "sidecarset";
  public static final String NAMESPACE = "sidecarset-system";

  /** Object names: the release is named like the chart, so the full name is just "sidecarset". */
  public static final String CONTROLLER = "sidecarset-controller";

  public static final String WEBHOOK = "sidecarset-webhook";
  public static final String MUTATING = "sidecarset-mutating";
  public static final String VALIDATING = "sidecarset-validating";
  public static final String CONTROLLER_LEASE = "sidecarset-controller";
  public static final String CERT_SECRET = "sidecarset-webhook-cert";

  /** The chart's values for the local cluster. */
  static final String LOCAL_VALUES = "ci/local-values.yaml";

  private final ClusterFixture cluster;
  private final KubernetesClient client;

  public PlatformInstaller(ClusterFixture cluster) {
    this.cluster = cluster;
    this.client = cluster.client();
  }

  /** True when a release of the platform exists (in any state). */
  public boolean isInstalled() {
    List<Release> releases =
        Helm.list()
            .all()
            .withNamespace(NAMESPACE)
            .withKubeConfigContents(cluster.kubeconfigYaml())
            .call();
    return releases.stream().anyMatch(r -> RELEASE.equals(r.getName()));
  }

  /**
   * Installs the chart with the cluster's values file and {@code values} on top, then waits for
   * {@link #awaitReady()}.
   *
   * @throws IllegalStateException when a product image is missing (names the build command)
   */
  public Release install(Map<String, Object> values) {
    requireImages();
    ensureNamespace();
    Path chart = ChartStage.stage(ChartStage.PLATFORM_CHART);
    InstallCommand install =
        new Helm(chart)
            .install()
            .withName(RELEASE)
            .withNamespace(NAMESPACE)
            .withKubeConfigContents(cluster.kubeconfigYaml());
    if (cluster.localMode()) {
      install.withValuesFile(chart.resolve(LOCAL_VALUES));
    }
    install.set("controller.image.tag", ProductImages.PINNED_TAG);
    install.set("webhook.image.tag", ProductImages.PINNED_TAG);
    values.forEach(install::set);
    long started = System.nanoTime();
    Release release = install.call();
    LOG.info(
        "helm install {}: {} (revision {})", RELEASE, release.getStatus(), release.getRevision());
    awaitReady();
    LOG.info(
        "platform ready {} s after helm install", (System.nanoTime() - started) / 1_000_000_000);
    return release;
  }

  /**
   * Waits until the controller and the webhook Deployments are ready, the webhook has written its
   * CA into both configurations, and a SidecarSet the webhook must refuse is refused (a dry run:
   * nothing is stored). Only then does the apiserver reach the webhook over trusted TLS.
   */
  public void awaitReady() {
    for (String name : List.of(CONTROLLER, WEBHOOK)) {
      await("deployment " + name + " ready")
          .atMost(Timeouts.PLATFORM_READY)
          .pollInterval(Timeouts.POLL)
          .ignoreExceptionsInstanceOf(KubernetesClientException.class)
          .until(
              () ->
                  isReady(client.apps().deployments().inNamespace(NAMESPACE).withName(name).get()));
    }
    await("the webhook's CA in both webhook configurations")
        .atMost(Timeouts.PLATFORM_READY)
        .pollInterval(Timeouts.POLL)
        .until(this::caBundlesPublished);
    await("the validating webhook answering the apiserver")
        .atMost(Timeouts.PLATFORM_READY)
        .pollInterval(Timeouts.POLL)
        .until(this::webhookRefusesInvalidSet);
  }

  private static boolean isReady(Deployment deployment) {
    return deployment != null
        && deployment.getStatus() != null
        && deployment.getSpec().getReplicas() != null
        && Objects.equals(
            deployment.getStatus().getReadyReplicas(), deployment.getSpec().getReplicas())
        && Objects.equals(
            deployment.getStatus().getUpdatedReplicas(), deployment.getSpec().getReplicas());
  }

  /** Both configurations carry a non-empty caBundle in every webhook. */
  public boolean caBundlesPublished() {
    MutatingWebhookConfiguration mutating =
        client
            .admissionRegistration()
            .v1()
            .mutatingWebhookConfigurations()
            .withName(MUTATING)
            .get();
    ValidatingWebhookConfiguration validating =
        client
            .admissionRegistration()
            .v1()
            .validatingWebhookConfigurations()
            .withName(VALIDATING)
            .get();
    return mutating != null
        && validating != null
        && mutating.getWebhooks().stream()
            .allMatch(w -> notEmpty(w.getClientConfig().getCaBundle()))
        && validating.getWebhooks().stream()
            .allMatch(w -> notEmpty(w.getClientConfig().getCaBundle()));
  }

  private static boolean notEmpty(String s) {
    return s != null && !s.isEmpty();
  }

  private boolean webhookRefusesInvalidSet() {
    try {
      client
          .resources(SidecarSet.class)
          .resource(InvalidSidecarSets.hotUpgradeWithoutEmptyImage("e2e-readiness-probe"))
          .dryRun()
          .create();
      LOG.warn("a SidecarSet the webhook must refuse was accepted (webhook not called yet?)");
      return false;
    } catch (KubernetesClientException e) {
      boolean byWebhook = InvalidSidecarSets.deniedByWebhook(e);
      if (!byWebhook) {
        LOG.info(
            "webhook not answering yet: {}{}",
            e.getMessage(),
            e.getCause() == null ? "" : " (" + e.getCause() + ")");
      }
      return byWebhook;
    }
  }

  /**
   * Deletes the suite's SidecarSets while the controller still runs (it may hold finalizers), then
   * {@code helm uninstall}, and waits until the release's Deployments, webhook configurations and
   * CRD are gone.
   */
  public void uninstall() {
    deleteSidecarSets();
    String output =
        Helm.uninstall(RELEASE)
            .withNamespace(NAMESPACE)
            .withKubeConfigContents(cluster.kubeconfigYaml())
            .ignoreNotFound()
            .call();
    LOG.info("helm uninstall {}: {}", RELEASE, output.trim());
    await("the platform's Deployments, webhook configurations and CRD gone")
        .atMost(Timeouts.PLATFORM_GONE)
        .pollInterval(Timeouts.POLL)
        .until(
            () ->
                client
                        .apps()
                        .deployments()
                        .inNamespace(NAMESPACE)
                        .withLabel(SidecarSetLabels.APP_NAME, RELEASE)
                        .list()
                        .getItems()
                        .isEmpty()
                    && client
                            .admissionRegistration()
                            .v1()
                            .mutatingWebhookConfigurations()
                            .withName(MUTATING)
                            .get()
                        == null
                    && client
                            .admissionRegistration()
                            .v1()
                            .validatingWebhookConfigurations()
                            .withName(VALIDATING)
                            .get()
                        == null
                    && client
                            .apiextensions()
                            .v1()
                            .customResourceDefinitions()
                            .withName(SidecarSet.CRD_NAME)
                            .get()
                        == null);
  }

  /** Deletes the release namespace (and the run-time objects in it) and waits until it is gone. */
  public void deleteNamespace() {
    NamespaceDeletion.stopPods(client, NAMESPACE).awaitGone();
  }

  private void deleteSidecarSets() {
    try {
      client.resources(SidecarSet.class).delete();
      await("every SidecarSet deleted")
          .atMost(Timeouts.STATUS)
          .pollInterval(Timeouts.POLL)
          .until(() -> client.resources(SidecarSet.class).list().getItems().isEmpty());
    } catch (KubernetesClientException e) {
      if (e.getCode() != 404) { // no CRD, no SidecarSets
        throw e;
      }
    }
  }

  /**
   * The release namespace, labelled with its name as Kubernetes does from 1.21 on (and as the
   * chart's README asks 1.20 users to do), so that the pod webhook's namespaceSelector excludes it;
   * kube-system gets the same label if it lacks it.
   */
  private void ensureNamespace() {
    if (client.namespaces().withName(NAMESPACE).get() == null) {
      client
          .namespaces()
          .resource(
              new NamespaceBuilder()
                  .withNewMetadata()
                  .withName(NAMESPACE)
                  .addToLabels(SidecarSetLabels.NAMESPACE_NAME, NAMESPACE)
                  .endMetadata()
                  .build())
          .create();
    }
    Namespace kubeSystem = client.namespaces().withName("kube-system").get();
    if (kubeSystem != null
        && (kubeSystem.getMetadata().getLabels() == null
            || !kubeSystem
                .getMetadata()
                .getLabels()
                .containsKey(SidecarSetLabels.NAMESPACE_NAME))) {
      client
          .namespaces()
          .withName("kube-system")
          .edit(
              n ->
                  new NamespaceBuilder(n)
                      .editMetadata()
                      .addToLabels(SidecarSetLabels.NAMESPACE_NAME, "kube-system")
                      .endMetadata()
                      .build());
    }
  }

  private void requireImages() {
    List<String> missing = cluster.runtime().missingImages(ProductImages.ALL);
    if (!missing.isEmpty()) {
      throw new IllegalStateException(
          "images missing from the cluster's container engine (pinned from their built tags"
              + " when the suite connects): "
              + missing
              + "; build them first: "
              + ProductImages.BUILD_COMMAND);
    }
  }
}
