package io.sidecarset.controller;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.sidecarset.api.SidecarSetAnnotations;
import io.sidecarset.api.SidecarSetEvents;
import io.sidecarset.api.pod.HotUpgradeProgress;
import io.sidecarset.core.upgrade.JsonMapAnnotation;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The controller is a real process, killed with SIGKILL in the middle of a hot-upgrade rollout and
 * started again: the new process finishes the rollout from the state the pods carry, and no pod
 * gets a step twice.
 */
class ControllerRestartIT {

  static final String SET = "restart";
  static final int PODS = 12;
  static BareApiServer api;
  static KubernetesClient client;
  static RolloutTester tester;
  static FakeKubelet kubelet;
  static ControllerProcess controller;

  @BeforeAll
  static void cluster() {
    api = BareApiServer.shared();
    client = api.client();
    tester = new RolloutTester(client, SET);
    kubelet =
        new FakeKubelet(client, tester.namespace, image -> true, Duration.ofMillis(1500)).start();
    var set =
        tester.set(
            SET,
            RolloutTester.hot("proxy", "proxy:v1"),
            s -> s.setMaxUnavailable(new IntOrString(2)));
    tester.createPods(set, PODS);
    tester.awaitAvailablePods(PODS);
  }

  @AfterAll
  static void stop() throws InterruptedException {
    if (controller != null) {
      controller.kill();
    }
    if (kubelet != null) {
      kubelet.close();
    }
    if (tester != null) {
      tester.close();
    }
  }

  /**
   * The shaded controller jar as a process; the same identity, so it takes the lease back at once.
   */
  static ControllerProcess startController(String logName) throws IOException {
    return ControllerProcess.start(api.kubeconfig(), "controller-0", tester.namespace, logName);
  }

  static boolean completed(Pod pod) {
    HotUpgradeProgress p =
        JsonMapAnnotation.HOT_UPGRADE_STATE.read(pod.getMetadata().getAnnotations()).get("proxy");
    return p != null
        && HotUpgradeProgress.COMPLETED.equals(p.phase())
        && RolloutTester.image(pod, "proxy-1").equals(RolloutTester.EMPTY_IMAGE)
        && RolloutTester.image(pod, "proxy-2").equals("proxy:v2");
  }

  @Test
  void killedMidRollout_theNextProcessFinishesIt_withNoStepTakenTwice() throws Exception {
    try (PodChangeAudit audit = new PodChangeAudit(client, tester.namespace)) {
      controller = startController("controller-restart-1.log");
      RolloutTester.within(Duration.ofSeconds(60))
          .until(
              () ->
                  tester.get(SET).getStatus() != null
                      && tester.get(SET).getStatus().getMatchedPods() == PODS);

      tester.setImage(SET, "proxy:v2");
      // let it get well into the rollout: some pods done, some in flight, most waiting
      RolloutTester.within(Duration.ofSeconds(90))
          .until(
              () -> audit.changesPerPod().values().stream().mapToLong(Long::longValue).sum() >= 7);
      controller.kill();
      long stepsBeforeKill =
          audit.changesPerPod().values().stream().mapToLong(Long::longValue).sum();
      assertThat(stepsBeforeKill).isLessThan(2L * PODS);

      controller = startController("controller-restart-2.log");
      RolloutTester.within(Duration.ofSeconds(180))
          .until(() -> tester.pods().stream().allMatch(ControllerRestartIT::completed));
      ColdRolloutIT.sleep(Duration.ofSeconds(3));

      Map<String, Long> steps = audit.changesPerPod();
      assertThat(steps)
          .hasSize(PODS)
          .allSatisfy((pod, n) -> assertThat(n).as(pod + ": upgrade + reset").isEqualTo(2));
      for (Pod pod : tester.pods()) {
        // a start taken twice would have moved the version counter past 2
        assertThat(pod.getMetadata().getAnnotations())
            .containsEntry(SidecarSetAnnotations.version("proxy-2"), "2")
            .containsEntry(SidecarSetAnnotations.version("proxy-1"), "0");
      }
      // events are told after their step: one may be lost at the kill, none is doubled
      for (String reason :
          List.of(SidecarSetEvents.HOT_UPGRADE_STARTED, SidecarSetEvents.HOT_UPGRADE_RESET)) {
        assertThat(tester.eventsPerPod(reason).values()).allMatch(n -> n == 1L);
        assertThat(tester.eventsPerPod(reason).size()).isBetween(PODS - 1, PODS);
      }
      assertThat(controller.logText()).contains("leads");
    }
  }
}
