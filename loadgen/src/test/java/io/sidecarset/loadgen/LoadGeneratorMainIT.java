package io.sidecarset.loadgen;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sidecarset.loadgen.TestHttpServer.Action;
import io.sidecarset.loadgen.TestHttpServer.Behavior;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The CLI end to end against loopback servers: progress, summary, report file, exit code. */
class LoadGeneratorMainIT {
  @TempDir Path dir;

  private final ByteArrayOutputStream out = new ByteArrayOutputStream();

  private int run(int port, Path report) {
    return run(port, report, "200", "2s", "5s");
  }

  private int run(int port, Path report, String rate, String duration, String timeout) {
    return LoadGeneratorMain.run(
        new String[] {
          "--target",
          "127.0.0.1:" + port,
          "--rate",
          rate,
          "--duration",
          duration,
          "--mix",
          "keepalive=60,close=20,h2=20",
          "--connections",
          "4",
          "--h2-connections",
          "2",
          "--timeout",
          timeout,
          "--report",
          report.toString()
        },
        new PrintStream(out, true, StandardCharsets.UTF_8),
        System.err);
  }

  @Test
  void healthyServer_exits0_printsProgressAndSummary_andWritesTheReport() throws Exception {
    Path report = dir.resolve("out.json");
    try (TestHttpServer server = TestHttpServer.start(Behavior.always(Action.OK))) {
      int exitCode = run(server.port(), report);
      assertThat(exitCode).as(out.toString(StandardCharsets.UTF_8)).isZero();
    }
    String printed = out.toString(StandardCharsets.UTF_8);
    assertThat(printed).contains("t=1s sent=").contains("result: ZERO DROPPED (400 of 400 ok)");
    JsonNode json = new ObjectMapper().readTree(report.toFile());
    assertThat(json.get("ok").asLong()).isEqualTo(400);
    assertThat(json.get("perSecond")).hasSize(2);
  }

  @Test
  void serverAnswering503_exits1() throws Exception {
    try (TestHttpServer server = TestHttpServer.start(Behavior.always(Action.STATUS_503))) {
      assertThat(run(server.port(), dir.resolve("503.json"))).isEqualTo(1);
    }
    assertThat(out.toString(StandardCharsets.UTF_8)).contains("result: DROPPED 400 of 400");
  }

  @Test
  @Timeout(60) // a hang fails here instead of holding up the build
  void targetDiesMidRun_theRunStillEndsByItself_andCountsTheLoss() throws Exception {
    // 4 s at 500/s with a 2 s timeout: the run must end by 4 + 2 s plus its drain grace, with
    // every request after the death counted as refused, not wait for a target that never returns
    TestHttpServer server = TestHttpServer.start(Behavior.always(Action.OK));
    Thread killer =
        new Thread(
            () -> {
              try {
                Thread.sleep(1_500);
              } catch (InterruptedException e) {
                return;
              }
              server.close();
            },
            "target-killer");
    killer.start();
    long t0 = System.nanoTime();
    int exitCode = run(server.port(), dir.resolve("dies.json"), "500", "4s", "2s");
    double seconds = (System.nanoTime() - t0) / 1e9;
    killer.join();

    String printed = out.toString(StandardCharsets.UTF_8);
    assertThat(exitCode).as(printed).isEqualTo(1);
    assertThat(seconds).as("run time, s").isLessThan(15);
    JsonNode json = new ObjectMapper().readTree(dir.resolve("dies.json").toFile());
    assertThat(json.get("requests").asLong()).isEqualTo(2_000);
    assertThat(json.get("ok").asLong()).isBetween(1L, 1_999L);
    assertThat(
            json.get("ok").asLong() + json.get("dropped").asLong() + json.get("notSent").asLong())
        .as("every request has exactly one outcome")
        .isEqualTo(2_000);
  }
}
