package io.sidecarset.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import io.sidecarset.api.SampleProxyContract;
import io.sidecarset.loadgen.LoadGenerator;
import io.sidecarset.loadgen.LoadReport;
import io.sidecarset.loadgen.LoadRun;
import io.sidecarset.loadgen.LoadSpec;
import io.sidecarset.loadgen.TrafficKind;
import io.sidecarset.loadgen.TrafficMix;
import io.sidecarset.loadgen.WindowStats;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;

/**
 * The demo sidecar's promise, on real processes: 20 hot upgrades in a row (v1 → v2 → v1 …, each a
 * new JVM started with the version counters the controller would set) under open-loop load that
 * mixes keep-alive HTTP/1.1, a new connection per request and h2c streams, with no client retries,
 * lose no request; each old process ends idle, holding no client connection and not the listener,
 * and exits within about a second of SIGTERM.
 *
 * <p>The load report (JSON and a summary) goes to {@code target/it-reports/} whatever the outcome,
 * with a per-second trace of the generator's progress, the accept queue and the load average.
 */
class HotUpgradeChainIT {

  static final int HANDOFFS = 20;
  static final double RATE = 2_000;
  static final Duration DRAIN = Duration.ofSeconds(5);
  static final Pattern STOPPED =
      Pattern.compile("predecessor stopped accepting ([0-9.]+) ms after we received the fd");

  Path dir;

  @BeforeEach
  void workDir(TestInfo test) throws Exception {
    dir = ProxyProcesses.workDir(test);
  }

  @Test
  void twentyHandoffsUnderMixedLoadDropNoRequest() throws Exception {
    int appPort = ProxyProcesses.freePort();
    int port = ProxyProcesses.freePort();
    List<Double> stopMillis = new ArrayList<>();
    List<Long> exitMillis = new ArrayList<>();
    List<String> servedBy = new ArrayList<>();
    Path out = Path.of("target", "it-reports");
    Files.createDirectories(out);
    Path trace = out.resolve("hot-upgrade-chain-trace.txt");
    Files.writeString(trace, "");
    try (ProxyProcesses fx = new ProxyProcesses(dir)) {
      fx.startEcho(appPort);
      List<String> args = List.of("--drain-timeout", DurationText.format(DRAIN));
      ManagedProcess serving =
          fx.startProxy("proxy-v1", 1, 0, "v1", port, appPort, args, List.of());
      serving.awaitLog("listening on", Duration.ofSeconds(60));
      assertThat(HttpProbe.get(port, "/first").header(SampleProxyContract.VERSION_HEADER))
          .isEqualTo("v1");
      warmUp(port);

      LoadSpec spec =
          LoadSpec.builder()
              .target("127.0.0.1", port)
              .path("/chain")
              .ratePerSecond(RATE)
              .duration(Duration.ofMinutes(8))
              .mix(TrafficMix.of(60, 20, 20))
              .keepAliveConnections(64)
              .h2Connections(4)
              .requestTimeout(Duration.ofSeconds(5))
              .build();
      LoadReport report;
      Throwable chainFailure = null;
      ManagedProcess draining = null;
      try (LoadRun run = LoadGenerator.start(spec)) {
        Thread sampler = sampler(run, port, trace);
        try {
          Thread.sleep(3_000);
          run.mark("steady");
          Thread.sleep(3_000);
          assertThat(run.progress().dropped())
              .as(
                  "requests dropped before any handoff: this machine cannot carry %s requests/s"
                      + " now (load average %s); the test proves nothing here",
                  RATE, Files.readString(Path.of("/proc/loadavg")).trim())
              .isZero();
          for (int k = 1; k <= HANDOFFS; k++) {
            int version = k + 1;
            String label = version % 2 == 1 ? "v1" : "v2";
            run.mark("handoff " + k);
            ManagedProcess next =
                fx.startProxy(
                    "proxy-" + version + "-" + label,
                    version,
                    version - 1,
                    label,
                    port,
                    appPort,
                    args,
                    List.of());
            String took = next.awaitLog("took over", Duration.ofSeconds(90));
            run.mark("handoff " + k + " done");
            Matcher m = STOPPED.matcher(took);
            assertThat(m.find()).as("the predecessor confirmed it stopped: " + took).isTrue();
            stopMillis.add(Double.parseDouble(m.group(1)));
            fx.awaitState(version, "serving " + next.pid() + " ", Duration.ofSeconds(5));
            HttpProbe probe = HttpProbe.get(port, "/who");
            assertThat(probe.status()).isEqualTo(200);
            servedBy.add(probe.header(SampleProxyContract.VERSION_HEADER));
            assertThat(servedBy.get(k - 1)).as("served by the new side").isEqualTo(label);

            // the process replaced one handoff ago has drained by now: idle, no connections, no
            // listener; SIGTERM it as the controller's reset would
            if (draining != null) {
              exitMillis.add(checkIdleAndTerminate(draining, port));
            }
            draining = serving;
            serving = next;
            // the next upgrade of the same pod comes when this one has settled, as a controller
            // paces a rollout; a new JVM every few seconds would measure this 2-core box's JIT
            awaitSettled(run, Duration.ofSeconds(60));
          }
          run.mark("chain end");
          exitMillis.add(checkIdleAndTerminate(draining, port));
          Thread.sleep(3_000);
        } catch (Throwable t) {
          chainFailure = t;
        } finally {
          run.stop();
          report = run.awaitCompletion(Duration.ofSeconds(60));
          sampler.interrupt();
        }
      }
      report.writeJson(out.resolve("hot-upgrade-chain.json"));
      StringBuilder summary = new StringBuilder(report.summary());
      summary.append("\nhandoffs completed: ").append(stopMillis.size());
      summary
          .append("\npredecessor stopped accepting, ms after the fd arrived: ")
          .append(stopMillis);
      summary.append("\nold side exit after SIGTERM, ms: ").append(exitMillis);
      summary.append("\nnew connection after each handoff served by: ").append(servedBy);
      if (stopMillis.size() == HANDOFFS) {
        summary.append("\nsteady window:  ").append(describe(report.window("steady", "handoff 1")));
        summary
            .append("\nhandoff window: ")
            .append(describe(report.window("handoff 1", "chain end")));
      }
      Files.writeString(out.resolve("hot-upgrade-chain.txt"), summary);
      System.out.println(summary);
      if (chainFailure != null) {
        throw new AssertionError(
            "chain stopped after " + stopMillis.size() + " handoffs; " + report.summary(),
            chainFailure);
      }

      assertThat(report.dropped()).as(report.summary()).isZero();
      assertThat(report.notSent()).as("the generator kept up").isZero();
      for (TrafficKind kind : TrafficKind.values()) {
        assertThat(report.sent(kind)).as(kind + " requests sent").isGreaterThan(10_000);
      }
      assertThat(report.achievedRatePerSecond()).isGreaterThan(RATE * 0.95);
      assertThat(stopMillis).hasSize(HANDOFFS);
      assertThat(exitMillis).allSatisfy(ms -> assertThat(ms).isLessThan(1_500));
      assertThat(serving.isAlive()).isTrue();
    }
  }

  private static String describe(WindowStats w) {
    var h = w.latencyMicros();
    return String.format(
        java.util.Locale.ROOT,
        "requests %d, dropped %d; latency ms p50 %.2f p99 %.2f p99.9 %.2f max %.2f",
        w.requests(),
        w.dropped(),
        h.getValueAtPercentile(50) / 1000.0,
        h.getValueAtPercentile(99) / 1000.0,
        h.getValueAtPercentile(99.9) / 1000.0,
        h.getMaxValue() / 1000.0);
  }

  /** Waits until two consecutive seconds had a p99 under 50 ms (or {@code max} passed). */
  private static void awaitSettled(LoadRun run, Duration max) throws InterruptedException {
    long deadline = System.nanoTime() + max.toNanos();
    int calmSeconds = 0;
    Thread.sleep(1_000);
    while (calmSeconds < 2 && System.nanoTime() < deadline) {
      long p99 = run.progress().lastSecondP99Micros();
      calmSeconds = p99 > 0 && p99 < 50_000 ? calmSeconds + 1 : 0;
      Thread.sleep(1_000);
    }
  }

  /** Warms every JVM on the path (generator, app, proxy), as in a pod that has served a while. */
  private static void warmUp(int port) throws Exception {
    try (LoadRun warm =
        LoadGenerator.start(
            LoadSpec.builder()
                .target("127.0.0.1", port)
                .path("/warm")
                .ratePerSecond(RATE / 2)
                .duration(Duration.ofSeconds(8))
                .mix(TrafficMix.of(60, 20, 20))
                .build())) {
      warm.awaitCompletion(Duration.ofSeconds(60));
    }
  }

  /** One line per second: generator progress, accept queue, load average. */
  private static Thread sampler(LoadRun run, int port, Path trace) {
    Thread t =
        new Thread(
            () -> {
              try {
                while (!Thread.currentThread().isInterrupted()) {
                  String line =
                      Instant.now()
                          + " "
                          + run.progress().toLine()
                          + " acceptQueue="
                          + ManagedProcess.acceptQueue(port)
                          + " loadavg="
                          + Files.readString(Path.of("/proc/loadavg")).trim()
                          + "\n";
                  Files.writeString(trace, line, StandardOpenOption.APPEND);
                  Thread.sleep(1_000);
                }
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              } catch (Exception e) {
                // the trace is a diagnostic only
              }
            },
            "chain-trace");
    t.setDaemon(true);
    t.start();
    return t;
  }

  /**
   * Asserts the drained old side idles without sockets, then SIGTERMs it; returns its exit time.
   */
  private static long checkIdleAndTerminate(ManagedProcess old, int port) throws Exception {
    old.awaitLog("idle until SIGTERM", DRAIN.plusSeconds(10));
    assertThat(old.isAlive()).as(old + " stays up after draining").isTrue();
    assertThat(old.clientConnections(port)).as(old + " client connections").isZero();
    assertThat(old.holdsListener(port)).as(old + " still holds the listener").isFalse();
    return old.terminate(Duration.ofSeconds(5)).toMillis();
  }
}
