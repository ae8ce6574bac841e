package io.sidecarset.controller;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.sidecarset.api.SidecarSetAnnotations;
import io.sidecarset.api.SidecarSetEvents;
import io.sidecarset.api.pod.HotUpgradeProgress;
import io.sidecarset.core.hash.SidecarSetHasher;
import io.sidecarset.core.upgrade.JsonMapAnnotation;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The hot-upgrade steps on a real kube-apiserver, the test playing the kubelet. */
class HotUpgradeIT {

  static final String SET = "hot-upgrade";
  static final String POD = "pod-000";
  static BareApiServer api;
  static KubernetesClient client;
  static RolloutTester tester;
  static FakeKubelet kubelet;
  static SidecarSetOperator controller;

  @BeforeAll
  static void cluster() throws Exception {
    api = BareApiServer.shared();
    client = api.client();
    tester = new RolloutTester(client, SET);
    kubelet =
        new FakeKubelet(client, tester.namespace, image -> true, Duration.ofMillis(800)).start();
    var set = tester.set(SET, RolloutTester.hot("proxy", "proxy:v1"), s -> {});
    tester.createPods(set, 1);
    tester.awaitAvailablePods(1);
    controller = tester.startController(api.client(), "hot-1");
    tester.awaitUpdatedReady(SET, 1);
  }

  @AfterAll
  static void stop() {
    if (controller != null) {
      controller.close();
    }
    if (kubelet != null) {
      kubelet.close();
    }
    if (tester != null) {
      tester.close();
    }
  }

  static Map<String, String> versions(Map<String, String> annotations) {
    return Map.of(
        "version proxy-1", annotations.get(SidecarSetAnnotations.version("proxy-1")),
        "versionalt proxy-1", annotations.get(SidecarSetAnnotations.versionAlt("proxy-1")),
        "version proxy-2", annotations.get(SidecarSetAnnotations.version("proxy-2")),
        "versionalt proxy-2", annotations.get(SidecarSetAnnotations.versionAlt("proxy-2")));
  }

  static String working(Map<String, String> annotations) {
    return JsonMapAnnotation.WORKING_SLOTS.read(annotations).get("proxy");
  }

  static HotUpgradeProgress progress(Pod pod) {
    return JsonMapAnnotation.HOT_UPGRADE_STATE
        .read(pod.getMetadata().getAnnotations())
        .get("proxy");
  }

  static boolean completedOn(Pod pod, String workingSlot, String image) {
    HotUpgradeProgress p = progress(pod);
    return p != null
        && HotUpgradeProgress.COMPLETED.equals(p.phase())
        && workingSlot.equals(working(pod.getMetadata().getAnnotations()))
        && image.equals(RolloutTester.image(pod, workingSlot))
        && !RolloutTester.unavailable(pod);
  }

  @Test
  void hotUpgrade_upgradesMigratesResets_thenTheSecondUpgradeGoesBackToTheFirstSlot() {
    try (PodChangeAudit audit = new PodChangeAudit(client, tester.namespace)) {
      RolloutTester.within(Duration.ofSeconds(5)).until(() -> audit.changesPerPod().isEmpty());

      // first upgrade: -2 takes over
      tester.setImage(SET, "proxy:v2");
      RolloutTester.within(Duration.ofSeconds(60))
          .until(() -> completedOn(tester.pod(POD), "proxy-2", "proxy:v2"));

      List<PodChangeAudit.Change> steps = audit.changes(POD);
      assertThat(steps).as("upgrade patch, then reset patch").hasSize(2);
      PodChangeAudit.Change upgrade = steps.get(0);
      assertThat(upgrade.images())
          .containsEntry("proxy-1", "proxy:v1")
          .containsEntry("proxy-2", "proxy:v2");
      assertThat(working(upgrade.annotations())).isEqualTo("proxy-2");
      assertThat(versions(upgrade.annotations()))
          .isEqualTo(
              Map.of(
                  "version proxy-1",
                  "1",
                  "versionalt proxy-1",
                  "2",
                  "version proxy-2",
                  "2",
                  "versionalt proxy-2",
                  "1"));
      PodChangeAudit.Change reset = steps.get(1);
      assertThat(reset.images())
          .containsEntry("proxy-1", RolloutTester.EMPTY_IMAGE)
          .containsEntry("proxy-2", "proxy:v2");
      assertThat(versions(reset.annotations()))
          .isEqualTo(
              Map.of(
                  "version proxy-1",
                  "0",
                  "versionalt proxy-1",
                  "2",
                  "version proxy-2",
                  "2",
                  "versionalt proxy-2",
                  "0"));
      assertThat(reset.annotations().get(SidecarSetAnnotations.HASH))
          .as("the reset leaves the hash alone")
          .isEqualTo(upgrade.annotations().get(SidecarSetAnnotations.HASH))
          .contains(SidecarSetHasher.hash(tester.get(SET)));
      HotUpgradeProgress done = progress(tester.pod(POD));
      assertThat(done.fromSlot()).isEqualTo("proxy-1");
      assertThat(done.toSlot()).isEqualTo("proxy-2");
      assertThat(done.startedAt()).isNotNull();
      assertThat(done.migratedAt()).isNotNull();
      assertThat(done.completedAt()).isNotNull();
      assertThat(tester.eventsPerPod(SidecarSetEvents.HOT_UPGRADE_STARTED))
          .isEqualTo(Map.of(POD, 1L));
      assertThat(tester.eventsPerPod(SidecarSetEvents.HOT_UPGRADE_MIGRATED))
          .isEqualTo(Map.of(POD, 1L));
      assertThat(tester.eventsPerPod(SidecarSetEvents.HOT_UPGRADE_RESET))
          .isEqualTo(Map.of(POD, 1L));
      RolloutTester.within(Duration.ofSeconds(30))
          .until(() -> tester.get(SET).getStatus().getUpdatedReadyPods() == 1);

      // second upgrade: back to -1
      tester.setImage(SET, "proxy:v3");
      RolloutTester.within(Duration.ofSeconds(60))
          .until(() -> completedOn(tester.pod(POD), "proxy-1", "proxy:v3"));

      Pod pod = tester.pod(POD);
      assertThat(RolloutTester.image(pod, "proxy-2")).isEqualTo(RolloutTester.EMPTY_IMAGE);
      assertThat(versions(pod.getMetadata().getAnnotations()))
          .isEqualTo(
              Map.of(
                  "version proxy-1",
                  "3",
                  "versionalt proxy-1",
                  "0",
                  "version proxy-2",
                  "0",
                  "versionalt proxy-2",
                  "3"));
      assertThat(audit.changes(POD)).hasSize(4);
      assertThat(tester.eventsPerPod(SidecarSetEvents.HOT_UPGRADE_STARTED))
          .isEqualTo(Map.of(POD, 2L));
      assertThat(tester.eventsPerPod(SidecarSetEvents.HOT_UPGRADE_RESET))
          .isEqualTo(Map.of(POD, 2L));
    }
  }
}
