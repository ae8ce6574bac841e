package io.sidecarset.e2e;

import static io.sidecarset.e2e.support.PlatformInstaller.CERT_SECRET;
import static io.sidecarset.e2e.support.PlatformInstaller.CONTROLLER;
import static io.sidecarset.e2e.support.PlatformInstaller.CONTROLLER_LEASE;
import static io.sidecarset.e2e.support.PlatformInstaller.MUTATING;
import static io.sidecarset.e2e.support.PlatformInstaller.NAMESPACE;
import static io.sidecarset.e2e.support.PlatformInstaller.VALIDATING;
import static io.sidecarset.e2e.support.PlatformInstaller.WEBHOOK;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.sidecarset.api.SidecarSetAnnotations;
import io.sidecarset.api.SidecarSetLabels;
import io.sidecarset.api.v1alpha1.SidecarSet;
import io.sidecarset.e2e.support.ClusterCondition;
import io.sidecarset.e2e.support.ClusterFixture;
import io.sidecarset.e2e.support.InvalidSidecarSets;
import io.sidecarset.e2e.support.PlatformInstaller;
import io.sidecarset.e2e.support.ProductImages;
import io.sidecarset.e2e.support.SidecarSetTester;
import io.sidecarset.e2e.support.TestWorkloads;
import io.sidecarset.e2e.support.Timeouts;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Issue 6: the platform chart installed from Java on a clean cluster works end to end, and
 * uninstalling it leaves nothing behind.
 *
 * <p>Uninstall policy (asserted below): everything the chart made goes with the release, cluster
 * scoped or not, the CRD included ({@code crds.keep=false}, the default). The two objects the
 * components make at run time in the release namespace (the webhook's certificate Secret and the
 * controller's Lease) stay until the namespace is deleted, as the chart's README says; after that,
 * nothing of the platform is left.
 */
@Order(1)
@ExtendWith(ClusterCondition.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PlatformInstallE2E {

  private static final String SET = "e2e-install-agent";

  private ClusterFixture cluster;
  private KubernetesClient client;
  private PlatformInstaller installer;
  private SidecarSetTester tester;
  private String namespace;

  @BeforeAll
  void installThePlatformOnACleanCluster() {
    cluster = ClusterFixture.shared();
    client = cluster.client();
    installer = new PlatformInstaller(cluster);
    tester = new SidecarSetTester(cluster);
    tester.sweepLeftovers();
    if (installer.isInstalled()) {
      installer.uninstall();
    }
    installer.install(Map.of());
  }

  @Test
  @Order(1)
  void controllerAndWebhook_runAndTheWebhookPublishedItsCa() {
    int replicas = cluster.localMode() ? 1 : 2;
    for (String name : List.of(CONTROLLER, WEBHOOK)) {
      var deployment = client.apps().deployments().inNamespace(NAMESPACE).withName(name).get();
      assertThat(deployment.getStatus().getReadyReplicas()).as(name).isEqualTo(replicas);
    }
    assertThat(installer.caBundlesPublished()).isTrue();
    Lease lease =
        await("the controller holds its Lease")
            .atMost(Timeouts.STATUS)
            .pollInterval(Timeouts.POLL)
            .until(
                () -> client.leases().inNamespace(NAMESPACE).withName(CONTROLLER_LEASE).get(),
                l -> l != null && l.getSpec().getHolderIdentity() != null);
    assertThat(lease.getSpec().getHolderIdentity()).isNotBlank();
  }

  @Test
  @Order(2)
  void podMatchingASidecarSet_getsItsSidecar_andTheSetCountsIt() {
    namespace = tester.createNamespace("install", Map.of());
    Map<String, String> labels = TestWorkloads.appLabels("install-demo");
    tester.create(
        TestWorkloads.sidecarSet(
            SET, namespace, labels, TestWorkloads.coldAgent("agent", ProductImages.PROXY_V1)));

    Pod pod = TestWorkloads.idlePod(namespace, "demo", labels);
    tester.awaitWebhookInjects(pod, "agent");

    Pod created = tester.create(pod);

    assertThat(created.getSpec().getContainers())
        .extracting(c -> c.getName())
        .as("the sidecar is injected before the app container (BeforeAppContainer)")
        .containsExactly("agent", TestWorkloads.APP_CONTAINER);
    assertThat(created.getMetadata().getLabels())
        .containsEntry(SidecarSetLabels.INJECTED, SidecarSetLabels.INJECTED_TRUE);
    assertThat(created.getMetadata().getAnnotations())
        .containsEntry(SidecarSetAnnotations.INJECTED_LIST, SET)
        .containsKey(SidecarSetAnnotations.HASH);
    tester.awaitPodReady(namespace, "demo");
    tester.awaitRolledOut(SET, 1);
  }

  @Test
  @Order(3)
  void invalidSidecarSet_isRefusedByTheWebhook_namingTheField() {
    SidecarSet invalid = InvalidSidecarSets.hotUpgradeWithoutEmptyImage("e2e-install-invalid");

    assertThatThrownBy(() -> client.resources(SidecarSet.class).resource(invalid).create())
        .isInstanceOf(KubernetesClientException.class)
        .satisfies(
            e ->
                assertThat(InvalidSidecarSets.deniedByWebhook((KubernetesClientException) e))
                    .isTrue())
        .hasMessageContaining(InvalidSidecarSets.HOT_UPGRADE_EMPTY_IMAGE_FIELD);
    assertThat(tester.sidecarSet("e2e-install-invalid")).isNull();
  }

  @Test
  @Order(4)
  void uninstall_leavesNothingBehind() {
    if (namespace != null) {
      tester.deleteNamespace(namespace);
    }
    installer.uninstall();

    assertThat(
            client
                .apiextensions()
                .v1()
                .customResourceDefinitions()
                .withName(SidecarSet.CRD_NAME)
                .get())
        .isNull();
    assertThat(
            client
                .admissionRegistration()
                .v1()
                .mutatingWebhookConfigurations()
                .withName(MUTATING)
                .get())
        .isNull();
    assertThat(
            client
                .admissionRegistration()
                .v1()
                .validatingWebhookConfigurations()
                .withName(VALIDATING)
                .get())
        .isNull();
    assertThat(platformObjects(client.rbac().clusterRoles().list().getItems())).isEmpty();
    assertThat(platformObjects(client.rbac().clusterRoleBindings().list().getItems())).isEmpty();
    await("the chart's namespaced objects and the platform's pods gone")
        .atMost(Timeouts.PLATFORM_GONE)
        .pollInterval(Timeouts.POLL)
        .untilAsserted(() -> assertThat(platformObjects(namespacedObjects())).isEmpty());
    assertThat(
            client.secrets().inNamespace(NAMESPACE).list().getItems().stream()
                .filter(s -> !"kubernetes.io/service-account-token".equals(s.getType()))
                .map(s -> s.getMetadata().getName()))
        .as("secrets left: only the run-time certificate, until the namespace goes")
        .containsOnly(CERT_SECRET);
    assertThat(client.leases().inNamespace(NAMESPACE).list().getItems())
        .extracting(l -> l.getMetadata().getName())
        .as("leases left: only the run-time leader election, until the namespace goes")
        .containsOnly(CONTROLLER_LEASE);

    installer.deleteNamespace();

    assertThat(client.namespaces().withName(NAMESPACE).get()).isNull();
  }

  private List<HasMetadata> namespacedObjects() {
    List<HasMetadata> objects = new ArrayList<>();
    Stream.of(
            client.pods().inNamespace(NAMESPACE).list().getItems(),
            client.apps().deployments().inNamespace(NAMESPACE).list().getItems(),
            client.apps().replicaSets().inNamespace(NAMESPACE).list().getItems(),
            client.services().inNamespace(NAMESPACE).list().getItems(),
            client.serviceAccounts().inNamespace(NAMESPACE).list().getItems(),
            client.rbac().roles().inNamespace(NAMESPACE).list().getItems(),
            client.rbac().roleBindings().inNamespace(NAMESPACE).list().getItems(),
            client
                .policy()
                .v1beta1()
                .podDisruptionBudget()
                .inNamespace(NAMESPACE)
                .list()
                .getItems())
        .forEach(objects::addAll);
    return objects;
  }

  /** Objects labelled as the platform's (the chart puts app.kubernetes.io/name on all of them). */
  private static <T extends HasMetadata> List<T> platformObjects(List<T> objects) {
    return objects.stream()
        .filter(o -> o.getMetadata().getLabels() != null)
        .filter(
            o ->
                PlatformInstaller.RELEASE.equals(
                    o.getMetadata().getLabels().get(SidecarSetLabels.APP_NAME)))
        .toList();
  }
}
