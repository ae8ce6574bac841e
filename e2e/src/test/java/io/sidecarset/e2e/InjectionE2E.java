package io.sidecarset.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.LabelSelectorBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.sidecarset.api.HotUpgradeSlots;
import io.sidecarset.api.SampleProxyContract;
import io.sidecarset.api.SidecarSetAnnotations;
import io.sidecarset.api.SidecarSetEnv;
import io.sidecarset.api.SidecarSetLabels;
import io.sidecarset.api.v1alpha1.SidecarContainer;
import io.sidecarset.api.v1alpha1.SidecarSet;
import io.sidecarset.e2e.support.ClusterCondition;
import io.sidecarset.e2e.support.ClusterFixture;
import io.sidecarset.e2e.support.ContainerRuntime;
import io.sidecarset.e2e.support.PlatformExtension;
import io.sidecarset.e2e.support.PodInspection;
import io.sidecarset.e2e.support.ProductImages;
import io.sidecarset.e2e.support.SidecarSetTester;
import io.sidecarset.e2e.support.TestWorkloads;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Injection (issue 7, scenario 5): which pods get which sidecars (labels, namespaceSelector), what
 * a HotUpgrade sidecar becomes (two slots, version annotations, downward-API env), and the env
 * values as the running processes see them.
 *
 * <p>How the env is read: not with {@code kubectl exec} (it needs an {@code env} binary in the
 * image, which the empty placeholder lacks, and is not available on every local cluster), but from
 * the kernel: {@code /proc/<pid>/environ} of the container's main process, found through the
 * container engine under the kubelet ({@link ContainerRuntime}). That is exactly the environment
 * the process runs with, for any image.
 */
@Order(2)
@ExtendWith({ClusterCondition.class, PlatformExtension.class})
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class InjectionE2E {

  private static final String INJECT_LABEL = "sidecarset-e2e-inject";
  private static final String AGENT = "agent";
  private static final String AGENT_ENV = "E2E_AGENT_GREETING";

  /** Set to "": an empty value must reach the container as one, not be refused or dropped. */
  private static final String AGENT_EMPTY_ENV = "E2E_AGENT_EMPTY";

  private static final Map<String, String> SELECTED = TestWorkloads.appLabels("inject-demo");

  private ClusterFixture cluster;
  private SidecarSetTester tester;
  private String selectedNamespace;
  private String otherNamespace;
  private String setName;
  private Pod injected;

  @BeforeAll
  void aSidecarSetWithAColdAgentAndAHotProxy_forLabelledPodsInLabelledNamespaces() {
    cluster = ClusterFixture.shared();
    tester = new SidecarSetTester(cluster);
    selectedNamespace = tester.createNamespace("inject", Map.of(INJECT_LABEL, "yes"));
    otherNamespace = tester.createNamespace("inject-other", Map.of());
    int proxyPort = cluster.allocatePort();
    int appPort = cluster.allocatePort();

    SidecarContainer agent = TestWorkloads.coldAgent(AGENT, ProductImages.PROXY_V1);
    agent.setEnv(
        new ArrayList<>(
            List.of(new EnvVar(AGENT_ENV, "hello", null), new EnvVar(AGENT_EMPTY_ENV, "", null))));
    SidecarContainer proxy =
        TestWorkloads.hotProxy(ProductImages.PROXY_V1, cluster.podListenHost(), proxyPort, appPort);
    setName = "e2e-inject-" + selectedNamespace.substring(selectedNamespace.lastIndexOf('-') + 1);
    SidecarSet set = TestWorkloads.sidecarSet(setName, null, SELECTED, agent, proxy);
    set.getSpec()
        .setNamespaceSelector(
            new LabelSelectorBuilder().addToMatchLabels(INJECT_LABEL, "yes").build());
    tester.create(set);

    Pod selected =
        TestWorkloads.appPod(
            selectedNamespace, "selected", SELECTED, cluster.podListenHost(), appPort);
    tester.awaitWebhookInjects(selected, AGENT, HotUpgradeSlots.first(TestWorkloads.PROXY));
    injected = tester.create(selected);
  }

  @AfterAll
  void cleanUp() {
    if (setName != null) {
      tester.deleteSidecarSet(setName);
    }
    for (String ns : new String[] {selectedNamespace, otherNamespace}) {
      if (ns != null) {
        tester.deleteNamespace(ns);
      }
    }
  }

  @Test
  void matchingPod_getsEverySidecarBeforeTheApp_andTheHotProxyAsTwoSlots() {
    String first = HotUpgradeSlots.first(TestWorkloads.PROXY);
    String second = HotUpgradeSlots.second(TestWorkloads.PROXY);

    assertThat(injected.getSpec().getContainers())
        .extracting(Container::getName)
        .containsExactlyInAnyOrder(AGENT, first, second, TestWorkloads.APP_CONTAINER)
        .last()
        .as("BeforeAppContainer: the app comes after the sidecars")
        .isEqualTo(TestWorkloads.APP_CONTAINER);
    assertThat(PodInspection.specImage(injected, first)).isEqualTo(ProductImages.PROXY_V1);
    assertThat(PodInspection.specImage(injected, second)).isEqualTo(ProductImages.EMPTY);
    assertThat(PodInspection.specImage(injected, AGENT)).isEqualTo(ProductImages.PROXY_V1);
    assertThat(PodInspection.workingSlot(injected, TestWorkloads.PROXY)).contains(first);
    assertThat(injected.getMetadata().getLabels())
        .containsEntry(SidecarSetLabels.INJECTED, SidecarSetLabels.INJECTED_TRUE);
    assertThat(injected.getMetadata().getAnnotations())
        .containsEntry(SidecarSetAnnotations.INJECTED_LIST, setName)
        .containsEntry(SidecarSetAnnotations.version(first), HotUpgradeSlots.INITIAL_VERSION)
        .containsEntry(SidecarSetAnnotations.version(second), HotUpgradeSlots.EMPTY_VERSION)
        .containsEntry(SidecarSetAnnotations.versionAlt(first), HotUpgradeSlots.EMPTY_VERSION)
        .as("the spare slot's alternate version is the working slot's version")
        .containsEntry(SidecarSetAnnotations.versionAlt(second), HotUpgradeSlots.INITIAL_VERSION);
    assertThat(PodInspection.jsonMap(injected, SidecarSetAnnotations.HASH))
        .hasValueSatisfying(m -> assertThat(m).containsKey(setName));
  }

  @Test
  void hotSlots_readTheirVersionsThroughTheDownwardApi() {
    for (String slot : HotUpgradeSlots.both(TestWorkloads.PROXY)) {
      Container container = PodInspection.container(injected, slot).orElseThrow();
      assertThat(fieldPath(container, SidecarSetEnv.SIDECARSET_VERSION))
          .isEqualTo(HotUpgradeSlots.versionFieldPath(slot));
      assertThat(fieldPath(container, SidecarSetEnv.SIDECARSET_VERSION_ALT))
          .isEqualTo(HotUpgradeSlots.versionAltFieldPath(slot));
    }
  }

  @Test
  void runningContainers_seeTheirEnvValues() {
    Pod pod = tester.awaitPodReady(selectedNamespace, "selected");
    ContainerRuntime runtime = cluster.runtime();

    Map<String, String> first =
        runtime.processEnvironment(pod, HotUpgradeSlots.first(TestWorkloads.PROXY));
    Map<String, String> second =
        runtime.processEnvironment(pod, HotUpgradeSlots.second(TestWorkloads.PROXY));
    Map<String, String> agent = runtime.processEnvironment(pod, AGENT);

    assertThat(first)
        .containsEntry(SidecarSetEnv.SIDECARSET_VERSION, HotUpgradeSlots.INITIAL_VERSION)
        .containsEntry(SidecarSetEnv.SIDECARSET_VERSION_ALT, HotUpgradeSlots.EMPTY_VERSION)
        .containsEntry(SidecarSetEnv.IS_INJECTED, SidecarSetEnv.IS_INJECTED_TRUE)
        .containsEntry(
            SampleProxyContract.POST_START_TIMEOUT_ENV,
            Integer.toString(TestWorkloads.POST_START_TIMEOUT_SECONDS));
    assertThat(second)
        .containsEntry(SidecarSetEnv.SIDECARSET_VERSION, HotUpgradeSlots.EMPTY_VERSION)
        .containsEntry(SidecarSetEnv.SIDECARSET_VERSION_ALT, HotUpgradeSlots.INITIAL_VERSION)
        .containsEntry(SidecarSetEnv.IS_INJECTED, SidecarSetEnv.IS_INJECTED_TRUE);
    assertThat(agent)
        .containsEntry(AGENT_ENV, "hello")
        .containsEntry(AGENT_EMPTY_ENV, "")
        .containsEntry(SidecarSetEnv.IS_INJECTED, SidecarSetEnv.IS_INJECTED_TRUE)
        .doesNotContainKey(SidecarSetEnv.SIDECARSET_VERSION);
    tester.awaitRolledOut(setName, 1);
  }

  @Test
  void podInANamespaceTheSelectorExcludes_isLeftAlone() {
    Pod pod =
        tester.create(TestWorkloads.idlePod(otherNamespace, "unselected-namespace", SELECTED));

    assertNotInjected(pod);
  }

  @Test
  void podWithOtherLabels_isLeftAlone() {
    Pod pod =
        tester.create(
            TestWorkloads.idlePod(
                selectedNamespace, "other-labels", TestWorkloads.appLabels("something-else")));

    assertNotInjected(pod);
  }

  private static void assertNotInjected(Pod pod) {
    assertThat(pod.getSpec().getContainers())
        .extracting(Container::getName)
        .containsExactly(TestWorkloads.APP_CONTAINER);
    assertThat(pod.getMetadata().getLabels()).doesNotContainKey(SidecarSetLabels.INJECTED);
    assertThat(
            pod.getMetadata().getAnnotations() == null
                ? Map.of()
                : pod.getMetadata().getAnnotations())
        .doesNotContainKey(SidecarSetAnnotations.INJECTED_LIST);
  }

  private static String fieldPath(Container container, String env) {
    return container.getEnv().stream()
        .filter(e -> env.equals(e.getName()))
        .findFirst()
        .map(e -> e.getValueFrom().getFieldRef().getFieldPath())
        .orElseThrow(() -> new AssertionError(container.getName() + " has no env " + env));
  }
}
