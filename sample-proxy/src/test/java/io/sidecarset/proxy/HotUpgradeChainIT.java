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
import java.time.Duration;
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
    try (ProxyProcesses fx = new ProxyProcesses(dir)) {
      fx.startEcho(appPort);
      List<String> args = List.of("--drain-timeout", DurationText.format(DRAIN));
      ManagedProcess serving =
          fx.startProxy("proxy-v1", 1, 0, "v1", port, appPort, args, List.of());
      serving.awaitLog("listening on", Duration.ofSeconds(20));
      assertThat(HttpProbe.get(port, "/first").header(SampleProxyContract.VERSION_HEADER))
          .isEqualTo("v1");

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
      ManagedProcess draining = null;
      try (LoadRun run = LoadGenerator.start(spec)) {
        Thread.sleep(3_000);
        run.mark("steady");
        Thread.sleep(3_000);
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
          assertThat(probe.header(SampleProxyContract.VERSION_HEADER))
              .as("served by the new side")
              .isEqualTo(label);

          // the process replaced one handoff ago has drained by now: idle, no connections, no
          // listener
          if (draining != null) {
            exitMillis.add(checkIdleAndTerminate(draining, port));
          }
          draining = serving;
          serving = next;
          Thread.sleep(1_000);
        }
        run.mark("chain end");
        exitMillis.add(checkIdleAndTerminate(draining, port));
        Thread.sleep(3_000);
        run.stop();
        report = run.awaitCompletion(Duration.ofSeconds(30));
      }
      Path out = Path.of("target", "it-reports");
      Files.createDirectories(out);
      report.writeJson(out.resolve("hot-upgrade-chain.json"));
      StringBuilder summary = new StringBuilder(report.summary());
      summary
          .append("\npredecessor stopped accepting, ms after the fd arrived: ")
          .append(stopMillis);
      summary.append("\nold side exit after SIGTERM, ms: ").append(exitMillis);
      WindowStats steady = report.window("steady", "handoff 1");
      WindowStats chain = report.window("handoff 1", "chain end");
      summary.append("\nsteady window: ").append(steady);
      summary.append("\nhandoff window: ").append(chain);
      Files.writeString(out.resolve("hot-upgrade-chain.txt"), summary);
      System.out.println(summary);

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
