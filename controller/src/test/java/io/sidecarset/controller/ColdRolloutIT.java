package io.sidecarset.controller;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.sidecarset.api.SidecarSetConditions;
import io.sidecarset.api.SidecarSetEvents;
import io.sidecarset.api.v1alpha1.SidecarSet;
import io.sidecarset.core.status.StatusConditions;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** A cold rollout on a real kube-apiserver, the test playing the kubelet. */
class ColdRolloutIT {

  static final String SET = "cold-rollout";
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
    SidecarSet set =
        tester.set(
            SET,
            RolloutTester.cold("log", "log:v1"),
            s -> {
              s.setPartition(new io.fabric8.kubernetes.api.model.IntOrString(5));
              s.setMaxUnavailable(new io.fabric8.kubernetes.api.model.IntOrString(3));
            });
    tester.createPods(set, 20);
    tester.awaitAvailablePods(20);
    controller = tester.startController(api.client(), "cold-1");
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

  @Test
  void coldUpgrade_rollsThrough20Pods_neverExceedingMaxUnavailable3_stoppingAtPartition5() {
    RolloutTester.within(Duration.ofSeconds(60))
        .until(
            () ->
                tester.get(SET).getStatus() != null
                    && tester.get(SET).getStatus().getMatchedPods() == 20);
    assertThat(tester.get(SET).getStatus().getUpdatedPods()).isEqualTo(20);

    try (AvailabilityMonitor monitor = new AvailabilityMonitor(client, tester.namespace);
        PodChangeAudit audit = new PodChangeAudit(client, tester.namespace)) {
      RolloutTester.within(Duration.ofSeconds(10)).until(() -> monitor.current() == 0);
      monitor.reset();

      tester.setImage(SET, "log:v2");

      RolloutTester.within(Duration.ofSeconds(120))
          .until(
              () -> {
                var status = tester.get(SET).getStatus();
                var progressing =
                    StatusConditions.find(status.getConditions(), SidecarSetConditions.PROGRESSING);
                return status.getUpdatedReadyPods() == 15
                    && SidecarSetConditions.REASON_ROLLOUT_COMPLETE.equals(progressing.getReason());
              });
      sleep(Duration.ofSeconds(3)); // the rollout must stay at the partition

      assertThat(monitor.peak()).as("pods unavailable at once").isBetween(1, 3);
      assertThat(tester.podsWithImage("log", "log:v2")).isEqualTo(15);
      assertThat(tester.podsWithImage("log", "log:v1")).isEqualTo(5);
      assertThat(audit.changesPerPod())
          .hasSize(15)
          .allSatisfy((pod, n) -> assertThat(n).as(pod).isEqualTo(1));
      assertThat(tester.eventsPerPod(SidecarSetEvents.SIDECAR_UPGRADED))
          .hasSize(15)
          .allSatisfy((pod, n) -> assertThat(n).as(pod).isEqualTo(1));
      var status = tester.get(SET).getStatus();
      assertThat(status.getMatchedPods()).isEqualTo(20);
      assertThat(status.getUpdatedPods()).isEqualTo(15);
      assertThat(status.getReadyPods()).isEqualTo(20);
      assertThat(status.getObservedGeneration())
          .isEqualTo(tester.get(SET).getMetadata().getGeneration());
      for (Pod pod : tester.pods()) {
        if (RolloutTester.image(pod, "log").equals("log:v2")) {
          assertThat(pod.getStatus().getConditions())
              .anySatisfy(
                  c -> {
                    assertThat(c.getType()).isEqualTo(SidecarSetConditions.POD_UPGRADABLE);
                    assertThat(c.getStatus()).isEqualTo("True");
                  });
        }
      }
      assertThat(controller.metrics().steps("cold-upgrade", PodSteps.APPLIED)).isEqualTo(15);
    }
  }

  static void sleep(Duration d) {
    try {
      Thread.sleep(d.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
