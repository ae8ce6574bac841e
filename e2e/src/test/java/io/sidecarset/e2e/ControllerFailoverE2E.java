package io.sidecarset.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.sidecarset.api.SidecarSetLabels;
import io.sidecarset.e2e.support.ClusterCondition;
import io.sidecarset.e2e.support.ClusterFixture;
import io.sidecarset.e2e.support.E2eSettings;
import io.sidecarset.e2e.support.HotProxyDemo;
import io.sidecarset.e2e.support.HotUpgradeSteps;
import io.sidecarset.e2e.support.HotUpgradeTracker;
import io.sidecarset.e2e.support.LoadProfiles;
import io.sidecarset.e2e.support.PlatformExtension;
import io.sidecarset.e2e.support.PlatformInstaller;
import io.sidecarset.e2e.support.PodInspection;
import io.sidecarset.e2e.support.ProductImages;
import io.sidecarset.e2e.support.SidecarSetTester;
import io.sidecarset.e2e.support.TestWorkloads;
import io.sidecarset.e2e.support.Timeouts;
import io.sidecarset.loadgen.LoadGenerator;
import io.sidecarset.loadgen.LoadReport;
import io.sidecarset.loadgen.LoadRun;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The controller killed in the middle of a hot upgrade (issue 7, scenario 4): right after it gave
 * the spare slot the new image, its container is SIGKILLed (no graceful shutdown, no Lease
 * release). The kubelet restarts it, it reads where the pod stands from the pod itself, and
 * finishes the upgrade; the load drops nothing.
 */
@Order(6)
@ExtendWith({ClusterCondition.class, PlatformExtension.class})
class ControllerFailoverE2E {

  private static final Logger LOG = LoggerFactory.getLogger(ControllerFailoverE2E.class);
  private static final String CONTROLLER_CONTAINER = "controller";

  private final ClusterFixture cluster = ClusterFixture.shared();
  private final SidecarSetTester tester = new SidecarSetTester(cluster);

  @Test
  void controllerKilledMidUpgrade_theUpgradeFinishes_andNothingIsDropped() throws Exception {
    try (HotProxyDemo demo = HotProxyDemo.start(tester, "failover", 120)) {
      Pod before = demo.pod();
      Pod controllerBefore = controllerPod();
      int controllerRestartsBefore =
          PodInspection.restartCount(controllerBefore, CONTROLLER_CONTAINER);
      Clock clock = Clock.systemUTC();

      try (LoadRun run =
          LoadGenerator.start(LoadProfiles.standard(cluster.endpoint(demo.proxyPort())))) {
        Thread.sleep(5_000);
        Instant patchedAt = clock.instant();
        tester.setImage(demo.sidecarSet(), TestWorkloads.PROXY, ProductImages.PROXY_V2);
        HotUpgradeTracker tracker =
            new HotUpgradeTracker(
                before,
                TestWorkloads.PROXY,
                ProductImages.PROXY_V2,
                ProductImages.EMPTY,
                patchedAt,
                clock);

        await("the controller's upgrade patch on " + before.getMetadata().getName())
            .atMost(Timeouts.HOT_UPGRADE)
            .pollInterval(Timeouts.FAST_POLL)
            .ignoreExceptionsInstanceOf(KubernetesClientException.class)
            .until(
                () -> tester.pod(demo.namespace(), before.getMetadata().getName()),
                pod -> {
                  tracker.observe(pod);
                  return ProductImages.PROXY_V2.equals(
                      PodInspection.specImage(pod, tracker.toSlot()));
                });
        cluster.runtime().kill(controllerBefore, CONTROLLER_CONTAINER);
        LOG.info("killed the controller mid-upgrade: {}", tracker.progress());

        await("the upgrade finished by the restarted controller")
            .atMost(Timeouts.HOT_UPGRADE.plus(Duration.ofSeconds(60)))
            .pollInterval(Timeouts.FAST_POLL)
            .ignoreExceptionsInstanceOf(KubernetesClientException.class)
            .until(
                () ->
                    tracker.observe(tester.pod(demo.namespace(), before.getMetadata().getName())));
        HotUpgradeSteps steps = tracker.steps();
        LOG.info("upgrade across the kill took {} ms", steps.total().toMillis());
        tester.awaitRolledOut(demo.sidecarSet(), 1);
        Thread.sleep(3_000);
        LoadReport load =
            LoadProfiles.finish(
                run, E2eSettings.reportDir().resolve("controller-failover-loadgen.json"));

        demo.saveLogs(E2eSettings.reportDir().resolve("logs"), "controller-failover");
        LOG.info("load:\n{}", load.summary());
        assertThat(load.dropped()).as("dropped requests, by outcome %s", load.outcomes()).isZero();
        assertThat(load.notSent()).isZero();
        assertThat(tracker.violations()).isEmpty();
        Pod controllerAfter = controllerPod();
        assertThat(controllerAfter.getMetadata().getUid())
            .as("the same controller pod, its container restarted by the kubelet")
            .isEqualTo(controllerBefore.getMetadata().getUid());
        assertThat(PodInspection.restartCount(controllerAfter, CONTROLLER_CONTAINER))
            .isGreaterThan(controllerRestartsBefore);
      }
    }
  }

  private Pod controllerPod() {
    List<Pod> pods =
        tester
            .client()
            .pods()
            .inNamespace(PlatformInstaller.NAMESPACE)
            .withLabel(SidecarSetLabels.APP_COMPONENT, CONTROLLER_CONTAINER)
            .list()
            .getItems();
    assertThat(pods).as("controller pods").hasSize(1);
    return pods.get(0);
  }
}
