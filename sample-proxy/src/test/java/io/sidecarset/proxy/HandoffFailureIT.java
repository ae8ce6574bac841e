package io.sidecarset.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import io.sidecarset.api.SampleProxyContract;
import io.sidecarset.loadgen.LoadGenerator;
import io.sidecarset.loadgen.LoadReport;
import io.sidecarset.loadgen.LoadRun;
import io.sidecarset.loadgen.LoadSpec;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.newsclub.net.unix.AFUNIXServerSocket;
import org.newsclub.net.unix.AFUNIXSocket;
import org.newsclub.net.unix.AFUNIXSocketAddress;

/**
 * Handovers that go wrong: the successor dies holding the fd, the predecessor is frozen, the
 * handoff socket is stale or answered by a mute listener, an old side restarts mid-upgrade. The
 * predecessor must keep serving (no dropped request where the scenario leaves it in charge), and
 * the successor must bind by itself only when nobody holds the port.
 */
class HandoffFailureIT {

  Path dir;
  int appPort;
  int port;

  @BeforeEach
  void ports(TestInfo test) throws Exception {
    dir = ProxyProcesses.workDir(test);
    appPort = ProxyProcesses.freePort();
    port = ProxyProcesses.freePort();
  }

  private static LoadSpec load(int port, double rate, Duration duration, Duration timeout) {
    return ProxyProcesses.mixedLoad(port, "/failure", rate, duration, timeout);
  }

  private String servedBy() throws Exception {
    return HttpProbe.get(port, "/who").header(SampleProxyContract.VERSION_HEADER);
  }

  @Test
  void successorKilledWhileHoldingTheFdDropsNothingAndTheNextOneTakesOver() throws Exception {
    try (ProxyProcesses fx = new ProxyProcesses(dir)) {
      fx.startEcho(appPort);
      List<String> args = List.of("--drain-timeout", "10s");
      // a short warm-up for the successors: this test is about the kill, and on 2 busy cores a
      // long warm-up mostly competes with the serving side
      List<String> successorArgs = List.of("--drain-timeout", "10s", "--warmup-requests", "1000");
      ManagedProcess v1 = fx.startProxy("proxy-v1", 1, 0, "v1", port, appPort, args, List.of());
      v1.awaitLog("listening on", Duration.ofSeconds(60));
      LoadReport report;
      try (LoadRun run =
          LoadGenerator.start(load(port, 1_000, Duration.ofMinutes(3), Duration.ofSeconds(5)))) {
        Thread.sleep(2_000);
        ProxyProcesses.assertNothingDroppedBefore("fault", run);
        ManagedProcess doomed =
            fx.startProxy(
                "proxy-v2-killed",
                2,
                1,
                "v2",
                port,
                appPort,
                successorArgs,
                List.of("-D" + HandoffClient.PAUSE_AFTER_FD_PROPERTY + "=5000"));
        doomed.awaitLog("holding the received fd", Duration.ofSeconds(60));
        run.mark("successor killed");
        doomed.kill();
        v1.awaitLog("did not confirm", Duration.ofSeconds(10));
        assertThat(v1.isAlive()).isTrue();
        assertThat(servedBy()).isEqualTo("v1");
        assertThat(fx.state(1)).startsWith("serving ");
        Thread.sleep(2_000);

        // the kubelet restarts the slot with the same counters; this time it works
        ManagedProcess v2 =
            fx.startProxy("proxy-v2", 2, 1, "v2", port, appPort, successorArgs, List.of());
        v2.awaitLog("took over", Duration.ofSeconds(60));
        assertThat(servedBy()).isEqualTo("v2");
        v1.awaitLog("idle until SIGTERM", Duration.ofSeconds(10));
        Thread.sleep(2_000);
        run.stop();
        report = run.awaitCompletion(Duration.ofSeconds(60));
      }
      System.out.println(report.summary());
      assertThat(report.dropped()).as(report.summary()).isZero();
      assertThat(report.ok()).isGreaterThan(5_000);
    }
  }

  @Test
  void frozenPredecessorSuccessorGivesUpAndThePredecessorResumesWithoutDrops() throws Exception {
    try (ProxyProcesses fx = new ProxyProcesses(dir)) {
      fx.startEcho(appPort);
      ManagedProcess v1 =
          fx.startProxy("proxy-v1", 1, 0, "v1", port, appPort, List.of(), List.of());
      v1.awaitLog("listening on", Duration.ofSeconds(60));
      LoadReport report;
      // requests wait in the accept queue while v1 is frozen: allow them longer than the freeze
      try (LoadRun run =
          LoadGenerator.start(load(port, 500, Duration.ofMinutes(2), Duration.ofSeconds(15)))) {
        Thread.sleep(2_000);
        ProxyProcesses.assertNothingDroppedBefore("fault", run);
        run.mark("freeze");
        v1.signal("STOP");
        ManagedProcess v2 =
            fx.startProxy(
                "proxy-v2",
                2,
                1,
                "v2",
                port,
                appPort,
                List.of(
                    "--handoff-timeout", "1s", "--bind-timeout", "1s", "--warmup-requests", "0"),
                List.of());
        int exit = v2.awaitExit(Duration.ofSeconds(60));
        run.mark("thaw");
        v1.signal("CONT");
        assertThat(exit).as("the successor fails (its postStart fails with it)").isEqualTo(1);
        assertThat(v2.log()).contains("no reply on").contains("cannot bind");
        assertThat(fx.state(2)).startsWith("failed ");
        Thread.sleep(3_000);
        assertThat(servedBy()).isEqualTo("v1");
        v1.awaitLog("handoff attempt failed, still serving", Duration.ofSeconds(10));
        run.stop();
        report = run.awaitCompletion(Duration.ofSeconds(60));
      }
      System.out.println(report.summary());
      assertThat(report.dropped()).as(report.summary()).isZero();
    }
  }

  @Test
  void muteHandoffSocketAndAFreePortTheSuccessorBindsAfterItsTimeout() throws Exception {
    try (ProxyProcesses fx = new ProxyProcesses(dir);
        AFUNIXServerSocket mute = AFUNIXServerSocket.newInstance()) {
      fx.startEcho(appPort);
      mute.bind(AFUNIXSocketAddress.of(fx.handoffSocket().toFile()));
      Thread acceptor =
          new Thread(
              () -> {
                try (AFUNIXSocket s = mute.accept()) {
                  Thread.sleep(30_000); // says nothing
                } catch (Exception e) {
                  // closed at the end of the test
                }
              });
      acceptor.setDaemon(true);
      acceptor.start();
      long t0 = System.nanoTime();
      ManagedProcess v2 =
          fx.startProxy(
              "proxy-v2", 2, 1, "v2", port, appPort, List.of("--handoff-timeout", "2s"), List.of());
      v2.awaitLog("listening on", Duration.ofSeconds(60));
      assertThat(v2.log()).contains("no reply on");
      assertThat(Duration.ofNanos(System.nanoTime() - t0)).isGreaterThan(Duration.ofSeconds(2));
      assertThat(servedBy()).isEqualTo("v2");
      assertThat(fx.state(2)).startsWith("serving ");
    }
  }

  @Test
  void deadPredecessorLeavesAStaleSocketTheSuccessorBindsAtOnce() throws Exception {
    try (ProxyProcesses fx = new ProxyProcesses(dir)) {
      fx.startEcho(appPort);
      ManagedProcess v1 =
          fx.startProxy("proxy-v1", 1, 0, "v1", port, appPort, List.of(), List.of());
      v1.awaitLog("waiting for a successor", Duration.ofSeconds(60));
      v1.kill();
      assertThat(fx.handoffSocket()).exists();
      ManagedProcess v2 =
          fx.startProxy(
              "proxy-v2", 2, 1, "v2", port, appPort, List.of("--warmup-requests", "0"), List.of());
      v2.awaitLog("listening on", Duration.ofSeconds(60));
      assertThat(v2.log()).contains("nobody listens on");
      assertThat(servedBy()).isEqualTo("v2");
      // and the chain goes on from the new server
      ManagedProcess v3 =
          fx.startProxy(
              "proxy-v3", 3, 2, "v1", port, appPort, List.of("--warmup-requests", "0"), List.of());
      v3.awaitLog("took over", Duration.ofSeconds(60));
      assertThat(servedBy()).isEqualTo("v1");
    }
  }

  @Test
  void oldSideRestartedMidUpgradeStaysIdleAndEveryRoleExitsPromptlyOnSigterm() throws Exception {
    try (ProxyProcesses fx = new ProxyProcesses(dir)) {
      fx.startEcho(appPort);
      ManagedProcess serving =
          fx.startProxy("proxy-v2", 2, 0, "v2", port, appPort, List.of(), List.of());
      serving.awaitLog("waiting for a successor", Duration.ofSeconds(60));
      ManagedProcess restartedOld =
          fx.startProxy("proxy-v1", 1, 2, "v1", port, appPort, List.of(), List.of());
      restartedOld.awaitLog("idle: not binding", Duration.ofSeconds(60));
      ManagedProcess empty =
          fx.startProxy("proxy-empty", 0, 0, "v0", port, appPort, List.of(), List.of());
      empty.awaitLog("idle: not binding", Duration.ofSeconds(60));
      assertThat(fx.state(1)).startsWith("idle " + restartedOld.pid() + " ");
      assertThat(restartedOld.holdsListener(port)).isFalse();
      assertThat(servedBy()).isEqualTo("v2");
      assertThat(serving.log()).doesNotContain("asks for the listener");

      for (ManagedProcess p : List.of(restartedOld, empty, serving)) {
        Duration exit = p.terminate(Duration.ofSeconds(5));
        System.out.println(p.name() + " exited " + exit.toMillis() + " ms after SIGTERM");
        assertThat(exit).as(p + " exit after SIGTERM").isLessThan(Duration.ofMillis(1_500));
      }
    }
  }
}
