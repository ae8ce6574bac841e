package io.sidecarset.loadgen;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.withinPercentage;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;

/**
 * The report computed from a hand-filled request log: 10 requests/s for 3 s, all keep-alive.
 *
 * <pre>
 * second 0 (seq 0-9):   all OK, latency 1..10 ms
 * second 1 (seq 10-19): 10-14 OK 20 ms, 15-16 RESET, 17 TIMEOUT, 18-19 not sent
 * second 2 (seq 20-29): all OK 2 ms
 * </pre>
 */
class LoadReportTest {
  private static final Instant START = Instant.parse("2026-01-01T00:00:00Z");
  private static final LoadSpec SPEC =
      LoadSpec.builder()
          .target("127.0.0.1", 8080)
          .ratePerSecond(10)
          .duration(Duration.ofSeconds(3))
          .mix(TrafficMix.only(TrafficKind.KEEP_ALIVE))
          .build();

  private static LoadReport report(List<Mark> marks) {
    RequestLog log = new RequestLog(30);
    for (int seq = 0; seq < 10; seq++) {
      log.record(seq, Outcome.OK, (seq + 1) * 1_000_000L);
    }
    for (int seq = 10; seq < 15; seq++) {
      log.record(seq, Outcome.OK, 20_000_000L);
    }
    log.record(15, Outcome.RESET, 1_000_000L);
    log.record(16, Outcome.RESET, 1_000_000L);
    log.record(17, Outcome.TIMEOUT, 5_000_000_000L);
    log.recordNotSent(18);
    log.recordNotSent(19);
    for (int seq = 20; seq < 30; seq++) {
      log.record(seq, Outcome.OK, 2_000_000L);
    }
    Histogram lag = new Histogram(3);
    lag.recordValue(50);
    return new LoadReport(
        SPEC,
        START,
        START.plusSeconds(4),
        Duration.ofSeconds(3),
        false,
        30,
        log,
        marks,
        Map.of(Outcome.RESET, List.of(new MessageSample("Connection reset by peer", 2))),
        List.of(new MessageSample(Lane.FELL_BEHIND, 2)),
        lag,
        Duration.ofMillis(1500),
        "epoll");
  }

  private static Mark mark(String label, long millis) {
    return new Mark(label, START.plusMillis(millis), Duration.ofMillis(millis));
  }

  @Test
  void counts_addUp() {
    LoadReport report = report(List.of());

    assertThat(report.requests()).isEqualTo(30);
    assertThat(report.notSent()).isEqualTo(2);
    assertThat(report.sent()).isEqualTo(28);
    assertThat(report.ok()).isEqualTo(25);
    assertThat(report.dropped()).isEqualTo(3);
    assertThat(report.outcomes())
        .containsEntry(Outcome.OK, 25L)
        .containsEntry(Outcome.RESET, 2L)
        .containsEntry(Outcome.TIMEOUT, 1L)
        .containsEntry(Outcome.EOF, 0L)
        .hasSize(Outcome.values().length);
    assertThat(report.outcomes(TrafficKind.KEEP_ALIVE)).isEqualTo(report.outcomes());
    assertThat(report.sent(TrafficKind.H2C)).isZero();
    assertThat(report.notSent(TrafficKind.KEEP_ALIVE)).isEqualTo(2);
    assertThat(report.provesZeroDropped()).isFalse();
    assertThat(report.verdict()).isEqualTo("DROPPED 3 of 28");
  }

  @Test
  void latency_coversOkRequestsOnly() {
    Histogram latency = report(List.of()).latency();

    assertThat(latency.getTotalCount()).isEqualTo(25);
    assertThat(latency.getMaxValue())
        .isCloseTo(20000L, withinPercentage(0.2)); // the 5 s timeout is not in it
    assertThat(report(List.of()).latency(TrafficKind.H2C).getTotalCount()).isZero();
  }

  @Test
  void perSecond_attributesRequestsToTheirIntendedSecond() {
    List<SecondStats> seconds = report(List.of()).perSecond();

    assertThat(seconds).hasSize(3);
    assertThat(seconds.get(0))
        .extracting(SecondStats::sent, SecondStats::ok, SecondStats::dropped, SecondStats::notSent)
        .containsExactly(10L, 10L, 0L, 0L);
    assertThat(seconds.get(0).maxMicros()).isCloseTo(10000L, withinPercentage(0.2));
    assertThat(seconds.get(1))
        .extracting(SecondStats::sent, SecondStats::ok, SecondStats::dropped, SecondStats::notSent)
        .containsExactly(8L, 5L, 3L, 2L);
    assertThat(seconds.get(1).drops())
        .containsExactlyInAnyOrderEntriesOf(Map.of(Outcome.RESET, 2L, Outcome.TIMEOUT, 1L));
    assertThat(seconds.get(1).p99Micros()).isCloseTo(20000L, withinPercentage(0.2));
    assertThat(seconds.get(2).p50Micros()).isCloseTo(2000L, withinPercentage(0.2));
  }

  @Test
  void window_byOffsets_isHalfOpen() {
    WindowStats window = report(List.of()).window(Duration.ofMillis(1000), Duration.ofMillis(1500));

    assertThat(window.requests()).isEqualTo(5); // seq 10..14: intended at 1.0, 1.1, ... 1.4 s
    assertThat(window.ok()).isEqualTo(5);
    assertThat(window.dropped()).isZero();
  }

  @Test
  void window_betweenMarks() {
    LoadReport report = report(List.of(mark("upgrade-1 start", 1500), mark("upgrade-1 end", 2000)));

    WindowStats upgrade = report.window("upgrade-1 start", "upgrade-1 end");
    assertThat(upgrade.requests()).isEqualTo(5); // seq 15..19
    assertThat(upgrade.notSent()).isEqualTo(2);
    assertThat(upgrade.sent()).isEqualTo(3);
    assertThat(upgrade.dropped()).isEqualTo(3);
    assertThat(upgrade.outcomes()).containsEntry(Outcome.RESET, 2L);

    WindowStats afterwards = report.window("upgrade-1 end", null);
    assertThat(afterwards.requests()).isEqualTo(10);
    assertThat(afterwards.dropped()).isZero();

    assertThatThrownBy(() -> report.window("upgrade-2 start", null))
        .hasMessageContaining("no mark 'upgrade-2 start'");
  }

  @Test
  void window_byWallClock() {
    WindowStats window = report(List.of()).window(START.plusSeconds(2), START.plusSeconds(3));
    assertThat(window.requests()).isEqualTo(10);
  }

  @Test
  void segments_cutTheRunAtEveryMark() {
    List<WindowStats> segments =
        report(List.of(mark("upgrade-1 start", 1500), mark("upgrade-1 end", 2000))).segments();

    assertThat(segments)
        .extracting(WindowStats::label)
        .containsExactly("start", "upgrade-1 start", "upgrade-1 end");
    assertThat(segments).extracting(WindowStats::requests).containsExactly(15L, 5L, 10L);
    assertThat(segments.stream().mapToLong(WindowStats::requests).sum()).isEqualTo(30);
  }

  @Test
  void slowest_listsOkRequestsSlowestFirstWithTheirTimes() {
    List<SlowRequest> slowest = report(List.of()).slowest(7);

    // the 5 s timeout (seq 17) is not OK and not listed; 20 ms ties keep schedule order
    assertThat(slowest)
        .extracting(SlowRequest::sequence)
        .containsExactly(10L, 11L, 12L, 13L, 14L, 9L, 8L);
    SlowRequest first = slowest.get(0);
    assertThat(first.kind()).isEqualTo(TrafficKind.KEEP_ALIVE);
    assertThat(first.intendedOffset()).isEqualTo(Duration.ofMillis(1000)); // 10 req/s
    assertThat(first.latency()).isEqualTo(Duration.ofMillis(20));
    assertThat(first.finishedOffset()).isEqualTo(Duration.ofMillis(1020));
    assertThat(report(List.of()).slowest(100)).hasSize(25); // every OK request, no more
    assertThat(report(List.of()).slowest(0)).isEmpty();
  }

  @Test
  void json_carriesCountsSeriesMarksAndAReadableHistogram() throws Exception {
    LoadReport report = report(List.of(mark("upgrade-1 start", 1500)));
    JsonNode json = new ObjectMapper().readTree(report.toJson());

    assertThat(json.get("requests").asLong()).isEqualTo(30);
    assertThat(json.get("ok").asLong()).isEqualTo(25);
    assertThat(json.get("dropped").asLong()).isEqualTo(3);
    assertThat(json.get("notSent").asLong()).isEqualTo(2);
    assertThat(json.get("provesZeroDropped").asBoolean()).isFalse();
    assertThat(json.get("outcomes").get("reset").asLong()).isEqualTo(2);
    assertThat(json.get("byKind").get("keepalive").get("outcomes").get("timeout").asLong())
        .isEqualTo(1);
    assertThat(json.get("spec").get("mix").get("keepalive").asInt()).isEqualTo(1);
    assertThat(json.get("perSecond")).hasSize(3);
    assertThat(json.get("perSecond").get(1).get("drops").get("reset").asLong()).isEqualTo(2);
    assertThat(json.get("perSecond").get(1).get("p99Millis").asDouble()).isBetween(19.9, 20.1);
    assertThat(json.get("marks").get(0).get("label").asText()).isEqualTo("upgrade-1 start");
    assertThat(json.get("segments")).hasSize(2);
    assertThat(json.get("messageSamples").get("reset").get(0).get("count").asLong()).isEqualTo(2);
    assertThat(json.get("generator").get("cpuSeconds").asDouble()).isEqualTo(1.5);
    assertThat(json.get("notSentReasons").get(0).get("count").asLong()).isEqualTo(2);
    assertThat(json.get("slowest")).hasSize(25);
    assertThat(json.get("slowest").get(0).get("sequence").asLong()).isEqualTo(10);
    assertThat(json.get("slowest").get(0).get("intendedSeconds").asDouble()).isEqualTo(1.0);
    assertThat(json.get("slowest").get(0).get("latencyMillis").asDouble()).isEqualTo(20.0);

    byte[] encoded = Base64.getDecoder().decode(json.get("latencyHistogramMicrosBase64").asText());
    Histogram decoded = Histogram.decodeFromCompressedByteBuffer(ByteBuffer.wrap(encoded), 0);
    assertThat(decoded.getTotalCount()).isEqualTo(25);
  }

  @Test
  void summary_namesRatesOutcomesPercentilesAndVerdict() {
    String summary = report(List.of(mark("upgrade-1 start", 1500))).summary();

    assertThat(summary)
        .contains("offered 10.0/s")
        .contains("requests 30 = sent 28 + notSent 2")
        .contains("reset=2")
        .contains("p99.9=")
        .contains("upgrade-1 start")
        .contains("not sent x2: the generator fell behind")
        .contains("slowest (intended send -> response complete):")
        .contains("20.00ms keepalive 1.000s -> 1.020s")
        .contains("result: DROPPED 3 of 28");
  }

  @Test
  void verdict_zeroDroppedOnlyWhenTheGeneratorKeptUp() {
    RequestLog log = new RequestLog(30);
    for (int seq = 0; seq < 30; seq++) {
      log.record(seq, Outcome.OK, 1_000_000L);
    }
    LoadReport clean =
        new LoadReport(
            SPEC,
            START,
            START,
            Duration.ofSeconds(3),
            false,
            30,
            log,
            List.of(),
            Map.of(),
            List.of(),
            new Histogram(3),
            Duration.ZERO,
            "nio");
    assertThat(clean.provesZeroDropped()).isTrue();
    assertThat(clean.verdict()).startsWith("ZERO DROPPED");

    log.recordNotSent(29);
    LoadReport behind =
        new LoadReport(
            SPEC,
            START,
            START,
            Duration.ofSeconds(3),
            false,
            30,
            log,
            List.of(),
            Map.of(),
            List.of(),
            new Histogram(3),
            Duration.ZERO,
            "nio");
    assertThat(behind.dropped()).isZero();
    assertThat(behind.provesZeroDropped()).isFalse();
    assertThat(behind.verdict()).startsWith("INCONCLUSIVE");
  }
}
