package io.sidecarset.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.Pod;
import io.sidecarset.api.HotUpgradeSlots;
import io.sidecarset.api.SidecarSetAnnotations;
import io.sidecarset.api.SidecarSetConditions;
import io.sidecarset.api.SidecarSetEvents;
import io.sidecarset.api.v1alpha1.SidecarSet;
import io.sidecarset.e2e.support.ClusterCondition;
import io.sidecarset.e2e.support.ClusterFixture;
import io.sidecarset.e2e.support.E2eSettings;
import io.sidecarset.e2e.support.HotProxyDemo;
import io.sidecarset.e2e.support.LoadProfiles;
import io.sidecarset.e2e.support.PlatformExtension;
import io.sidecarset.e2e.support.PodInspection;
import io.sidecarset.e2e.support.ProductImages;
import io.sidecarset.e2e.support.SidecarSetTester;
import io.sidecarset.e2e.support.TestWorkloads;
import io.sidecarset.e2e.support.Timeouts;
import io.sidecarset.loadgen.LoadGenerator;
import io.sidecarset.loadgen.LoadReport;
import io.sidecarset.loadgen.LoadRun;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A new version that never gets ready (issue 7, scenario 3): the spare slot gets an image whose
 * container starts but never passes the proxy's postStart hook, so it never takes the socket over.
 * After {@code hotUpgradeTimeoutSeconds} the controller rolls the pod back (the spare slot returns
 * to the empty image, the old slot serving throughout), pauses the rollout with a condition, and
 * says so in events; the load sees not one dropped request.
 */
@Order(5)
@ExtendWith({ClusterCondition.class, PlatformExtension.class})
class HotUpgradeRollbackE2E {

  private static final Logger LOG = LoggerFactory.getLogger(HotUpgradeRollbackE2E.class);
  private static final int TIMEOUT_SECONDS = 20;

  private final ClusterFixture cluster = ClusterFixture.shared();
  private final SidecarSetTester tester = new SidecarSetTester(cluster);

  @Test
  void versionThatNeverGetsReady_isRolledBackAfterTheTimeout_andTheRolloutPauses()
      throws Exception {
    String neverReady = E2eSettings.neverReadyImage();
    try (HotProxyDemo demo = HotProxyDemo.start(tester, "rollback", TIMEOUT_SECONDS)) {
      Pod before = demo.pod();
      String working = PodInspection.workingSlot(before, TestWorkloads.PROXY).orElseThrow();
      String spare = HotUpgradeSlots.other(working).orElseThrow();
      Map<String, String> versionsBefore = versionAnnotations(before);

      LoadReport load;
      try (LoadRun run =
          LoadGenerator.start(LoadProfiles.standard(cluster.endpoint(demo.proxyPort())))) {
        Thread.sleep(5_000);
        tester.setImage(demo.sidecarSet(), TestWorkloads.PROXY, neverReady);

        tester.awaitCondition(
            demo.sidecarSet(),
            SidecarSetConditions.PAUSED,
            SidecarSetConditions.STATUS_TRUE,
            SidecarSetConditions.REASON_PAUSED_AFTER_ROLLBACK,
            Duration.ofSeconds(TIMEOUT_SECONDS).plus(Timeouts.HOT_UPGRADE));
        Pod rolledBack =
            tester.awaitPod(
                demo.namespace(),
                before.getMetadata().getName(),
                "rolled back: "
                    + spare
                    + " on the empty image again, "
                    + working
                    + " serving, Ready",
                pod ->
                    ProductImages.EMPTY.equals(PodInspection.specImage(pod, spare))
                        && PodInspection.runs(pod, spare, ProductImages.EMPTY)
                        && PodInspection.runsReady(pod, working, ProductImages.PROXY_V1)
                        && PodInspection.isReady(pod),
                Timeouts.HOT_UPGRADE);
        Thread.sleep(5_000);
        load =
            LoadProfiles.finish(
                run, E2eSettings.reportDir().resolve("hot-upgrade-rollback-loadgen.json"));

        demo.saveLogs(E2eSettings.reportDir().resolve("logs"), "hot-upgrade-rollback");
        LOG.info("load:\n{}", load.summary());
        assertThat(load.dropped()).as("dropped requests, by outcome %s", load.outcomes()).isZero();
        assertThat(load.notSent()).isZero();
        assertThat(rolledBack.getMetadata().getUid()).isEqualTo(before.getMetadata().getUid());
        assertThat(PodInspection.restartCount(rolledBack, TestWorkloads.APP_CONTAINER)).isZero();
        assertThat(PodInspection.workingSlot(rolledBack, TestWorkloads.PROXY)).contains(working);
        assertThat(versionAnnotations(rolledBack))
            .as("version annotations restored")
            .isEqualTo(versionsBefore);
      }

      Event podEvent =
          tester.awaitEvent(
              demo.namespace(),
              "Pod",
              before.getMetadata().getName(),
              SidecarSetEvents.HOT_UPGRADE_ROLLED_BACK,
              Timeouts.STATUS);
      assertThat(podEvent.getType()).isEqualTo(SidecarSetEvents.TYPE_WARNING);
      Event setEvent =
          tester.awaitEvent(
              null,
              SidecarSet.KIND,
              demo.sidecarSet(),
              SidecarSetEvents.ROLLOUT_PAUSED,
              Timeouts.STATUS);
      assertThat(setEvent.getType()).isEqualTo(SidecarSetEvents.TYPE_WARNING);
      assertThat(tester.condition(demo.sidecarSet(), SidecarSetConditions.PODS_ROLLED_BACK))
          .hasValueSatisfying(
              c -> assertThat(c.getStatus()).isEqualTo(SidecarSetConditions.STATUS_TRUE));
      Thread.sleep(3_000);
      assertThat(PodInspection.specImage(demo.pod(), spare))
          .as("the paused rollout does not try again")
          .isEqualTo(ProductImages.EMPTY);
    }
  }

  private static Map<String, String> versionAnnotations(Pod pod) {
    Map<String, String> versions = new java.util.TreeMap<>();
    pod.getMetadata()
        .getAnnotations()
        .forEach(
            (key, value) -> {
              if (key.startsWith(SidecarSetAnnotations.VERSION_PREFIX)
                  || key.startsWith(SidecarSetAnnotations.VERSION_ALT_PREFIX)) {
                versions.put(key, value);
              }
            });
    return versions;
  }
}
