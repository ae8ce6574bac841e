package io.sidecarset.loadgen;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class HealthyServerIT {

  @Test
  void allThreeKinds_againstAHealthyServer_everyRequestIsOkAndSeenOnceByTheServer()
      throws Exception {
    try (TestHttpServer server =
        TestHttpServer.start(TestHttpServer.Behavior.always(TestHttpServer.Action.OK))) {
      LoadSpec spec =
          LoadSpec.builder()
              .target("127.0.0.1", server.port())
              .ratePerSecond(600)
              .duration(Duration.ofSeconds(3))
              .mix(TrafficMix.of(60, 20, 20))
              .keepAliveConnections(8)
              .h2Connections(2)
              .requestTimeout(Duration.ofSeconds(5))
              .build();
      LoadReport report;
      try (LoadRun run = LoadGenerator.start(spec)) {
        report = run.awaitCompletion(Duration.ofSeconds(30));
      }
      System.out.println(report.summary());
      assertThat(report.requests()).isEqualTo(1800);
      assertThat(report.notSent()).isZero();
      assertThat(report.ok()).isEqualTo(1800);
      assertThat(report.dropped()).isZero();
      assertThat(report.sent(TrafficKind.KEEP_ALIVE)).isEqualTo(1080);
      assertThat(report.sent(TrafficKind.CONNECTION_CLOSE)).isEqualTo(360);
      assertThat(report.sent(TrafficKind.H2C)).isEqualTo(360);
      assertThat(server.received(TrafficKind.KEEP_ALIVE)).isEqualTo(1080);
      assertThat(server.received(TrafficKind.CONNECTION_CLOSE)).isEqualTo(360);
      assertThat(server.received(TrafficKind.H2C)).isEqualTo(360);
      assertThat(server.duplicates()).isZero();
      assertThat(report.provesZeroDropped()).isTrue();
    }
  }
}
