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
import org.junit.jupiter.api.io.TempDir;

/** The CLI end to end against loopback servers: progress, summary, report file, exit code. */
class LoadGeneratorMainIT {
  @TempDir Path dir;

  private final ByteArrayOutputStream out = new ByteArrayOutputStream();

  private int run(int port, Path report) {
    return LoadGeneratorMain.run(
        new String[] {
          "--target", "127.0.0.1:" + port, "--rate", "200", "--duration", "2s",
          "--mix", "keepalive=60,close=20,h2=20", "--connections", "4", "--h2-connections", "2",
          "--timeout", "5s", "--report", report.toString()
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
}
