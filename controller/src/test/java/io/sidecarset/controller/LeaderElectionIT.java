package io.sidecarset.controller;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.sidecarset.api.ControllerEnv;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Two controllers against one apiserver: only the Lease holder acts; the other takes over. */
class LeaderElectionIT {

  static final String SET = "leader-election";
  static final Duration LEASE = Duration.ofSeconds(6);
  static BareApiServer api;
  static KubernetesClient client;
  static RolloutTester tester;
  static FakeKubelet kubelet;
  static SidecarSetOperator first;
  static SidecarSetOperator second;

  @BeforeAll
  static void cluster() {
    api = BareApiServer.shared();
    client = api.client();
    tester = new RolloutTester(client, SET);
    kubelet =
        new FakeKubelet(client, tester.namespace, image -> true, Duration.ofMillis(300)).start();
    var set =
        tester.set(
            SET,
            RolloutTester.cold("log", "log:v1"),
            s -> s.setMaxUnavailable(new IntOrString("100%")));
    tester.createPods(set, 4);
    tester.awaitAvailablePods(4);
  }

  @AfterAll
  static void stop() {
    for (SidecarSetOperator c : new SidecarSetOperator[] {first, second}) {
      if (c != null) {
        c.close();
      }
    }
    if (kubelet != null) {
      kubelet.close();
    }
    if (tester != null) {
      tester.close();
    }
  }

  static SidecarSetOperator controller(String identity) throws Exception {
    ControllerConfig config =
        ControllerConfig.fromEnv(Map.of())
            .forInstance(identity, tester.namespace, 0)
            .withLeaseDuration(LEASE);
    SidecarSetOperator c = new SidecarSetOperator(config, api.client(), Clock.systemUTC());
    c.start();
    return c;
  }

  static String holder() {
    Lease lease =
        client
            .leases()
            .inNamespace(tester.namespace)
            .withName(ControllerEnv.DEFAULT_LEASE_NAME)
            .get();
    return lease == null ? null : lease.getSpec().getHolderIdentity();
  }

  @Test
  void onlyTheLeaderActs_andTheOtherTakesOverWhenItStops() throws Exception {
    first = controller("controller-a");
    RolloutTester.within(Duration.ofSeconds(30)).until(() -> first.isLeader());
    second = controller("controller-b");
    ColdRolloutIT.sleep(LEASE);
    assertThat(second.isLeader()).isFalse();
    assertThat(holder()).isEqualTo("controller-a");

    tester.setImage(SET, "log:v2");
    RolloutTester.within(Duration.ofSeconds(60))
        .until(() -> tester.podsWithImage("log", "log:v2") == 4);
    RolloutTester.within(Duration.ofSeconds(30))
        .until(() -> tester.get(SET).getStatus().getUpdatedReadyPods() == 4);
    assertThat(first.metrics().steps("cold-upgrade", PodSteps.APPLIED)).isEqualTo(4);
    assertThat(second.metrics().appliedSteps()).as("the follower took no step").isZero();
    assertThat(second.metrics().scrape()).contains("sidecarset_leader 0.0");
    assertThat(first.metrics().scrape()).contains("sidecarset_leader 1.0");

    // the leader stops cleanly and hands the lease back: nobody has to wait for it to expire
    first.close();
    assertThat(holder()).as("released, or already the standby's").isNotEqualTo("controller-a");
    RolloutTester.within(LEASE.multipliedBy(4)).until(() -> second.isLeader());
    assertThat(holder()).isEqualTo("controller-b");

    tester.setImage(SET, "log:v3");
    RolloutTester.within(Duration.ofSeconds(60))
        .until(() -> tester.podsWithImage("log", "log:v3") == 4);
    assertThat(second.metrics().steps("cold-upgrade", PodSteps.APPLIED)).isEqualTo(4);
    assertThat(first.metrics().steps("cold-upgrade", PodSteps.APPLIED)).isEqualTo(4);
  }
}
