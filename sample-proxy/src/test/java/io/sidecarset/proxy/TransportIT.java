package io.sidecarset.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.netty.channel.uring.IoUring;
import io.sidecarset.api.SampleProxyContract;
import io.sidecarset.loadgen.LoadGenerator;
import io.sidecarset.loadgen.LoadReport;
import io.sidecarset.loadgen.LoadRun;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;

/**
 * The two transports of the proxy under load, handing over to each other: the epoll fallback (for
 * kernels or seccomp profiles without io_uring) must serve as the default does, and a hot upgrade
 * between versions that run different transports must drop nothing in either direction (the
 * listening socket is an epoll channel on both sides).
 */
class TransportIT {

  @Test
  void epollToIoUringToEpollHandoversUnderLoadDropNothing(TestInfo test) throws Exception {
    assumeTrue(
        IoUring.isAvailable(), "io_uring unavailable here: " + IoUring.unavailabilityCause());
    Path dir = ProxyProcesses.workDir(test);
    int appPort = ProxyProcesses.freePort();
    int port = ProxyProcesses.freePort();
    try (ProxyProcesses fx = new ProxyProcesses(dir)) {
      fx.startEcho(appPort);
      ManagedProcess v1 =
          fx.startProxy(
              "proxy-v1-epoll",
              1,
              0,
              "v1",
              port,
              appPort,
              List.of("--transport", "epoll", "--drain-timeout", "5s"),
              List.of());
      v1.awaitLog("listening on", Duration.ofSeconds(60));
      assertThat(v1.log()).contains("transport epoll");
      LoadReport report;
      try (LoadRun run =
          LoadGenerator.start(
              ProxyProcesses.mixedLoad(
                  port, "/transport", 1_000, Duration.ofMinutes(3), Duration.ofSeconds(5)))) {
        Thread.sleep(2_000);
        ProxyProcesses.assertNothingDroppedBefore("handover", run);
        ManagedProcess v2 = takeOver(fx, run, 2, "v2", "io_uring", port, appPort);
        v1.awaitLog("idle until SIGTERM", Duration.ofSeconds(20));
        assertThat(v1.clientConnections(port)).isZero();
        ManagedProcess v3 = takeOver(fx, run, 3, "v1", "epoll", port, appPort);
        v2.awaitLog("idle until SIGTERM", Duration.ofSeconds(20));
        assertThat(v2.clientConnections(port)).isZero();
        assertThat(v3.holdsListener(port)).isTrue();
        Thread.sleep(2_000);
        run.stop();
        report = run.awaitCompletion(Duration.ofSeconds(60));
      }
      System.out.println(report.summary());
      assertThat(report.dropped()).as(report.summary()).isZero();
      assertThat(report.ok()).isGreaterThan(10_000);
    }
  }

  /** Starts version {@code version} (alt = version - 1) with {@code transport}; waits for it. */
  private static ManagedProcess takeOver(
      ProxyProcesses fx,
      LoadRun run,
      int version,
      String label,
      String transport,
      int port,
      int appPort)
      throws Exception {
    ManagedProcess p =
        fx.startProxy(
            "proxy-" + version + "-" + transport,
            version,
            version - 1,
            label,
            port,
            appPort,
            List.of("--transport", transport, "--drain-timeout", "5s", "--warmup-requests", "1000"),
            List.of());
    p.awaitLog("took over", Duration.ofSeconds(60));
    run.mark("taken over by " + transport);
    assertThat(p.log()).contains("transport " + transport);
    assertThat(HttpProbe.get(port, "/who").header(SampleProxyContract.VERSION_HEADER))
        .isEqualTo(label);
    Thread.sleep(5_000);
    return p;
  }
}
