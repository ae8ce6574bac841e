package io.sidecarset.controller;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.sidecarset.api.SidecarSetAnnotations;
import io.sidecarset.api.SidecarSetConditions;
import io.sidecarset.api.SidecarSetEvents;
import io.sidecarset.api.pod.HotUpgradeProgress;
import io.sidecarset.core.hash.SidecarSetHasher;
import io.sidecarset.core.status.StatusConditions;
import io.sidecarset.core.upgrade.JsonMapAnnotation;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A hot upgrade whose new container never becomes ready is rolled back after the timeout, and the
 * rollout pauses with a condition and an event until the spec changes.
 */
class HotUpgradeRollbackIT {

  static final String SET = "hot-rollback";
  static final String BROKEN = "proxy:broken";
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
        new FakeKubelet(
                client, tester.namespace, image -> !image.equals(BROKEN), Duration.ofMillis(500))
            .start();
    var set =
        tester.set(
            SET, RolloutTester.hot("proxy", "proxy:v1"), s -> s.setHotUpgradeTimeoutSeconds(5));
    tester.createPods(set, 3);
    tester.awaitAvailablePods(3);
    controller = tester.startController(api.client(), "rollback-1");
    tester.awaitUpdatedReady(SET, 3);
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

  static Condition condition(String type) {
    return StatusConditions.find(tester.get(SET).getStatus().getConditions(), type);
  }

  static HotUpgradeProgress progress(Pod pod) {
    return JsonMapAnnotation.HOT_UPGRADE_STATE
        .read(pod.getMetadata().getAnnotations())
        .get("proxy");
  }

  @Test
  void newContainerNeverReady_isRolledBackAfterTheTimeout_theRolloutPausesUntilTheSpecChanges() {
    String v1Hash = SidecarSetHasher.hash(tester.get(SET));
    try (PodChangeAudit audit = new PodChangeAudit(client, tester.namespace)) {
      RolloutTester.within(Duration.ofSeconds(5)).until(() -> audit.changesPerPod().isEmpty());

      tester.setImage(SET, BROKEN);

      RolloutTester.within(Duration.ofSeconds(60))
          .until(() -> "True".equals(condition(SidecarSetConditions.PAUSED).getStatus()));
      Condition paused = condition(SidecarSetConditions.PAUSED);
      assertThat(paused.getReason()).isEqualTo(SidecarSetConditions.REASON_PAUSED_AFTER_ROLLBACK);
      assertThat(paused.getObservedGeneration())
          .isEqualTo(tester.get(SET).getMetadata().getGeneration());
      assertThat(condition(SidecarSetConditions.PODS_ROLLED_BACK).getStatus()).isEqualTo("True");

      Map<String, Long> changed = audit.changesPerPod();
      assertThat(changed).as("only one pod was tried (maxUnavailable 1)").hasSize(1);
      String victim = changed.keySet().iterator().next();
      assertThat(changed.get(victim)).as("upgrade patch, then rollback patch").isEqualTo(2);
      RolloutTester.within(Duration.ofSeconds(30))
          .until(() -> !RolloutTester.unavailable(tester.pod(victim)));
      Pod pod = tester.pod(victim);
      assertThat(RolloutTester.image(pod, "proxy-2")).isEqualTo(RolloutTester.EMPTY_IMAGE);
      assertThat(RolloutTester.image(pod, "proxy-1")).isEqualTo("proxy:v1");
      assertThat(JsonMapAnnotation.WORKING_SLOTS.read(pod.getMetadata().getAnnotations()))
          .isEqualTo(Map.of("proxy", "proxy-1"));
      assertThat(pod.getMetadata().getAnnotations())
          .containsEntry(SidecarSetAnnotations.version("proxy-1"), "1")
          .containsEntry(SidecarSetAnnotations.versionAlt("proxy-1"), "0")
          .containsEntry(SidecarSetAnnotations.version("proxy-2"), "0")
          .containsEntry(SidecarSetAnnotations.versionAlt("proxy-2"), "1");
      assertThat(pod.getMetadata().getAnnotations().get(SidecarSetAnnotations.HASH))
          .contains(v1Hash);
      HotUpgradeProgress rolledBack = progress(pod);
      assertThat(rolledBack.phase()).isEqualTo(HotUpgradeProgress.ROLLED_BACK);
      assertThat(rolledBack.message()).contains(BROKEN);
      assertThat(tester.eventsPerPod(SidecarSetEvents.HOT_UPGRADE_ROLLED_BACK))
          .isEqualTo(Map.of(victim, 1L));
      assertThat(tester.setEvents(SET, SidecarSetEvents.ROLLOUT_PAUSED))
          .singleElement()
          .satisfies(e -> assertThat(e.getType()).isEqualTo(SidecarSetEvents.TYPE_WARNING));

      // paused: the other pods are left alone
      ColdRolloutIT.sleep(Duration.ofSeconds(8));
      assertThat(audit.changesPerPod()).isEqualTo(Map.of(victim, 2L));

      // a fixed image changes the spec: the rollout resumes and finishes, the rolled-back pod too
      tester.setImage(SET, "proxy:v2");
      RolloutTester.within(Duration.ofSeconds(90))
          .until(
              () ->
                  tester.podsWithImage("proxy-2", "proxy:v2") == 3
                      && tester.pods().stream()
                          .allMatch(
                              p ->
                                  RolloutTester.image(p, "proxy-1")
                                      .equals(RolloutTester.EMPTY_IMAGE))
                      && tester.get(SET).getStatus().getUpdatedReadyPods() == 3);
      RolloutTester.within(Duration.ofSeconds(30))
          .until(
              () ->
                  "False".equals(condition(SidecarSetConditions.PAUSED).getStatus())
                      && "False"
                          .equals(condition(SidecarSetConditions.PODS_ROLLED_BACK).getStatus()));
    }
  }
}
