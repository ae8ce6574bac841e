package io.sidecarset.controller;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.api.model.coordination.v1.LeaseBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.Resource;
import io.sidecarset.api.ControllerEnv;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.OptionalInt;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The controller process, leading with the production settings (leader election, exit on a lost
 * lease), stops on SIGTERM as the kubelet sends it: the shutdown hook runs to its end and the JVM
 * exits, well inside the chart's 30 s grace period. It used to hang in the hook until SIGKILL (the
 * SDK's exit-on-stop-leading called System.exit from within the hook), and hands the Lease back. A
 * lease lost while running still ends the process, with 1.
 */
class ControllerShutdownIT {

  /** Far below the 30 s after which the kubelet would SIGKILL; far above a clean stop (~1 s). */
  static final Duration STOP_BOUND = Duration.ofSeconds(15);

  /** The default lease's renew deadline (10 s) and a few retry periods. */
  static final Duration LOST_LEASE_BOUND = Duration.ofSeconds(30);

  /** What a JVM returns after SIGTERM once its shutdown hooks have finished. */
  static final int EXIT_AFTER_SIGTERM = 128 + 15;

  static BareApiServer api;
  static RolloutTester tester;
  static ControllerProcess controller;

  @BeforeAll
  static void cluster() {
    api = BareApiServer.shared();
    KubernetesClient client = api.client();
    tester = new RolloutTester(client, "shutdown");
  }

  @AfterEach
  void killController() throws InterruptedException {
    if (controller != null) {
      controller.kill();
      // the next test's controller must acquire the lease at once
      lease().delete();
    }
  }

  @AfterAll
  static void stop() {
    if (tester != null) {
      tester.close();
    }
  }

  /** The controllers' Lease in the test namespace. */
  static Resource<Lease> lease() {
    return api.client()
        .leases()
        .inNamespace(tester.namespace)
        .withName(ControllerEnv.DEFAULT_LEASE_NAME);
  }

  /** The shaded controller jar as a process, once it holds the lease. */
  static ControllerProcess startLeading(String identity, String logName) throws Exception {
    ControllerProcess process =
        ControllerProcess.start(api.kubeconfig(), identity, tester.namespace, logName);
    try {
      RolloutTester.within(Duration.ofSeconds(60))
          .until(() -> process.logText().contains(identity + " leads"));
    } catch (RuntimeException | Error e) {
      process.kill();
      throw e;
    }
    return process;
  }

  @Test
  void leaseTakenAway_exitsNonZero_soThatTwoReplicasNeverAct() throws Exception {
    controller = startLeading("controller-loser", "controller-lost-lease.log");

    // another holder, freshly renewed, for long: the leader's renewals fail until its deadline
    lease()
        .edit(
            lease ->
                new LeaseBuilder(lease)
                    .editSpec()
                    .withHolderIdentity("intruder")
                    .withLeaseDurationSeconds(3600)
                    .withRenewTime(ZonedDateTime.now(ZoneOffset.UTC))
                    .endSpec()
                    .build());
    OptionalInt exit = controller.waitForExit(LOST_LEASE_BOUND);

    assertThat(exit)
        .as(
            "exit code within %s of losing the lease; log:%n%s",
            LOST_LEASE_BOUND, controller.logText())
        .hasValue(1);
    assertThat(controller.logText()).contains("controller-loser lost the lease: exiting");
  }

  @Test
  void sigterm_whileLeading_exitsAfterItsShutdownHook() throws Exception {
    controller = startLeading("controller-stop", "controller-shutdown.log");

    OptionalInt exit = controller.terminate(STOP_BOUND);

    assertThat(exit)
        .as("exit code within %s of SIGTERM; log:%n%s", STOP_BOUND, controller.logText())
        .hasValue(EXIT_AFTER_SIGTERM);
    assertThat(lease().get().getSpec().getHolderIdentity())
        .as("the lease handed back, so that a standby need not wait it out")
        .isEmpty();
    assertThat(controller.logText())
        .contains("controller-stop stopped leading: shutting down")
        .contains("controller-stop released the lease")
        .doesNotContain("lost the lease");
  }
}
