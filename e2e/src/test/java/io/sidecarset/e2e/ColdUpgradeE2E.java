package io.sidecarset.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.Pod;
import io.sidecarset.api.v1alpha1.SidecarSet;
import io.sidecarset.e2e.support.ClusterCondition;
import io.sidecarset.e2e.support.ClusterFixture;
import io.sidecarset.e2e.support.PlatformExtension;
import io.sidecarset.e2e.support.PodInspection;
import io.sidecarset.e2e.support.ProductImages;
import io.sidecarset.e2e.support.SidecarSetTester;
import io.sidecarset.e2e.support.TestWorkloads;
import io.sidecarset.e2e.support.Timeouts;
import io.sidecarset.e2e.support.UnavailabilityMonitor;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Cold upgrade (issue 7, scenario 2): a sidecar that is not a proxy gets a new image across several
 * pods; the kubelet restarts just that container in place, and the rollout never has more than
 * {@code maxUnavailable} pods unavailable at once, watched throughout.
 */
@Order(3)
@ExtendWith({ClusterCondition.class, PlatformExtension.class})
class ColdUpgradeE2E {

  private static final Logger LOG = LoggerFactory.getLogger(ColdUpgradeE2E.class);
  private static final String AGENT = "agent";
  private static final int PODS = 3;
  private static final int MAX_UNAVAILABLE = 1;

  private final ClusterFixture cluster = ClusterFixture.shared();
  private final SidecarSetTester tester = new SidecarSetTester(cluster);
  private String namespace;
  private String setName;

  @AfterEach
  void cleanUp() {
    if (setName != null) {
      tester.deleteSidecarSet(setName);
    }
    if (namespace != null) {
      tester.deleteNamespace(namespace);
    }
  }

  @Test
  void newAgentImage_restartsOnlyTheAgent_onePodAtATime() throws Exception {
    namespace = tester.createNamespace("cold", Map.of());
    Map<String, String> labels = TestWorkloads.appLabels("cold-demo");
    setName = "e2e-cold-" + namespace.substring(namespace.lastIndexOf('-') + 1);
    SidecarSet set =
        TestWorkloads.sidecarSet(
            setName, namespace, labels, TestWorkloads.coldAgent(AGENT, ProductImages.PROXY_V1));
    set.getSpec().setUpdateStrategy(TestWorkloads.updateStrategy(MAX_UNAVAILABLE, null));
    tester.create(set);
    tester.awaitWebhookInjects(TestWorkloads.idlePod(namespace, "cold-probe", labels), AGENT);
    for (int i = 0; i < PODS; i++) {
      tester.create(TestWorkloads.idlePod(namespace, "cold-" + i, labels));
    }
    List<Pod> before = tester.awaitReadyPods(namespace, labels, PODS);
    tester.awaitRolledOut(setName, PODS);
    Map<String, String> uids = uids(before);

    try (UnavailabilityMonitor monitor =
        new UnavailabilityMonitor(tester.client(), namespace, labels)) {
      tester.setImage(setName, AGENT, ProductImages.PROXY_V2);

      List<Pod> after =
          await("every pod's agent on " + ProductImages.PROXY_V2 + ", ready")
              .atMost(Timeouts.COLD_ROLLOUT)
              .pollInterval(Timeouts.POLL)
              .until(
                  () -> tester.pods(namespace, labels),
                  pods ->
                      pods.size() == PODS
                          && pods.stream()
                              .allMatch(
                                  p ->
                                      PodInspection.runsReady(p, AGENT, ProductImages.PROXY_V2)
                                          && PodInspection.isReady(p)));
      tester.awaitRolledOut(setName, PODS);

      LOG.info("unavailability timeline: {}", monitor.timeline());
      assertThat(monitor.failure()).as("the watch ran throughout").isNull();
      assertThat(monitor.podsSeenUnavailable())
          .as("every pod went through its upgrade while watched")
          .hasSize(PODS);
      assertThat(monitor.maxUnavailable())
          .as(
              "pods unavailable at once (maxUnavailable %d); timeline %s",
              MAX_UNAVAILABLE, monitor.timeline())
          .isLessThanOrEqualTo(MAX_UNAVAILABLE);
      assertThat(uids(after)).as("no pod was recreated").isEqualTo(uids);
      for (Pod pod : after) {
        assertThat(PodInspection.restartCount(pod, AGENT))
            .as("agent restarts of %s", pod.getMetadata().getName())
            .isEqualTo(1);
        assertThat(PodInspection.restartCount(pod, TestWorkloads.APP_CONTAINER)).isZero();
      }
    }
  }

  private static Map<String, String> uids(List<Pod> pods) {
    return pods.stream()
        .collect(Collectors.toMap(p -> p.getMetadata().getName(), p -> p.getMetadata().getUid()));
  }
}
