package io.sidecarset.loadgen;

import static org.assertj.core.api.Assertions.assertThat;

import io.sidecarset.loadgen.TestHttpServer.Action;
import io.sidecarset.loadgen.TestHttpServer.Behavior;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every way a server can fail a request is counted under the right {@link Outcome}, per traffic
 * kind, and nothing is retried: the server sees each request exactly once and as many requests as
 * the generator reports sent.
 */
class ServerFailuresIT {
  private static final int RATE = 100;
  private static final Duration DURATION = Duration.ofSeconds(1);
  private static final long REQUESTS = 100;

  /** For servers that never answer: every request must end as a timeout, soon. */
  private static final Duration SHORT_TIMEOUT = Duration.ofMillis(500);

  /**
   * For everything else: the machine is shared and can stall for a second or more, and a stall must
   * not turn an expected outcome into a timeout.
   */
  private static final Duration PATIENT_TIMEOUT = Duration.ofSeconds(5);

  static Stream<Arguments> serverActions() {
    List<Arguments> cases = new ArrayList<>();
    for (TrafficKind kind : TrafficKind.values()) {
      cases.add(Arguments.of(kind, Action.STATUS_503, Outcome.NON_2XX));
      cases.add(Arguments.of(kind, Action.RESET, Outcome.RESET));
      cases.add(Arguments.of(kind, Action.NO_ANSWER, Outcome.TIMEOUT));
      if (kind != TrafficKind.H2C) { // h2c: see the dedicated tests below
        cases.add(Arguments.of(kind, Action.CLOSE_MID_RESPONSE, Outcome.EOF));
      }
    }
    return cases.stream();
  }

  @ParameterizedTest(name = "{0} request, server does {1} -> {2}")
  @MethodSource("serverActions")
  void eachFailure_isCountedUnderItsOutcome_andNeverRetried(
      TrafficKind kind, Action action, Outcome expected) throws Exception {
    try (TestHttpServer server = TestHttpServer.start(Behavior.always(action))) {
      Duration timeout = action == Action.NO_ANSWER ? SHORT_TIMEOUT : PATIENT_TIMEOUT;
      LoadReport report = run(server.port(), kind, timeout);

      assertThat(report.requests()).isEqualTo(REQUESTS);
      assertThat(report.notSent()).isZero();
      assertThat(report.outcomes().get(expected))
          .as("%s\n%s", report.outcomes(), report.messageSamples())
          .isEqualTo(REQUESTS);
      assertThat(report.ok()).isZero();
      assertThat(report.dropped()).isEqualTo(REQUESTS);
      assertThat(server.received(kind))
          .as("requests seen by the server\n%s", report.summary())
          .isEqualTo(REQUESTS);
      assertThat(server.duplicates()).as("requests seen twice (retries)").isZero();
    }
  }

  @ParameterizedTest(name = "{0} request, nobody listening -> connect_refused")
  @MethodSource("kinds")
  void closedPort_everyRequestIsConnectRefused(TrafficKind kind) throws Exception {
    int port;
    try (ServerSocket socket = new ServerSocket(0)) {
      port = socket.getLocalPort();
    }
    LoadReport report = run(port, kind);

    assertThat(report.outcomes().get(Outcome.CONNECT_REFUSED))
        .as("%s", report.messageSamples())
        .isEqualTo(REQUESTS);
    assertThat(report.dropped()).isEqualTo(REQUESTS);
  }

  static Stream<TrafficKind> kinds() {
    return Stream.of(TrafficKind.values());
  }

  /*
   * The next two server actions kill the whole h2c connection. A stream that was queued on that
   * connection while it was still connecting (the machine is shared, connects can take a while) may
   * never be read by the server, so here the server may count fewer requests than were sent; every
   * sent request must still end as a drop of the right kind, and none may be seen twice.
   */

  @Test
  void h2c_serverClosesTheConnectionMidResponse_everyStreamIsEofOrReset() throws Exception {
    try (TestHttpServer server = TestHttpServer.start(Behavior.always(Action.CLOSE_MID_RESPONSE))) {
      LoadReport report = run(server.port(), TrafficKind.H2C);

      Map<Outcome, Long> outcomes = report.outcomes();
      assertThat(outcomes.get(Outcome.EOF) + outcomes.get(Outcome.RESET))
          .as("%s\n%s", outcomes, report.messageSamples())
          .isEqualTo(REQUESTS);
      assertThat(outcomes.get(Outcome.EOF)).isGreaterThanOrEqualTo(server.received() / 2);
      assertThat(server.received()).isBetween(1L, REQUESTS);
      assertThat(server.duplicates()).isZero();
    }
  }

  @Test
  void h2c_serverGoAwayBelowTheStream_everyStreamIsGoAwayRefused() throws Exception {
    try (TestHttpServer server = TestHttpServer.start(Behavior.always(Action.GOAWAY_REFUSE))) {
      LoadReport report = run(server.port(), TrafficKind.H2C);

      assertThat(report.outcomes().get(Outcome.GOAWAY_REFUSED))
          .as("%s\n%s", report.outcomes(), report.messageSamples())
          .isEqualTo(REQUESTS);
      assertThat(server.received()).isBetween(1L, REQUESTS);
      assertThat(server.duplicates()).isZero();
    }
  }

  @Test
  void keepAlive_serverClosesEveryFifthConnection_viaConnectionClose_noDrops() throws Exception {
    Behavior closeEveryFifth = (kind, n) -> n % 5 == 0 ? Action.OK_THEN_CLOSE : Action.OK;
    try (TestHttpServer server = TestHttpServer.start(closeEveryFifth)) {
      int pool = 4;
      LoadReport report = run(server.port(), TrafficKind.KEEP_ALIVE, PATIENT_TIMEOUT, pool);

      assertThat(report.ok()).as(report.summary()).isEqualTo(REQUESTS);
      assertThat(server.received()).isEqualTo(REQUESTS);
      assertThat(server.duplicates()).isZero();
      // each Connection: close response made the next request on that slot open a new connection,
      // and otherwise the pool's connections were reused
      assertThat(server.connectionsAccepted()).isBetween(REQUESTS / 5, pool + REQUESTS / 5);
    }
  }

  /**
   * A single-phase GOAWAY (Netty's {@code close()}: last-stream-id = the last stream the server has
   * seen) races with streams the client is sending at that moment: those are refused, and the
   * generator must count them as {@link Outcome#GOAWAY_REFUSED}, never as OK and never resent.
   * Streams at or below last-stream-id all complete.
   */
  @Test
  void h2c_singlePhaseGoAwayEveryTenthStream_streamsBelowLastStreamIdAllComplete()
      throws Exception {
    Behavior goAwayEveryTenth = (kind, n) -> n % 10 == 0 ? Action.OK_THEN_CLOSE : Action.OK;
    try (TestHttpServer server = TestHttpServer.start(goAwayEveryTenth)) {
      LoadReport report = run(server.port(), TrafficKind.H2C);

      long refused = report.outcomes().get(Outcome.GOAWAY_REFUSED);
      assertThat(report.ok() + refused).as(report.summary()).isEqualTo(REQUESTS);
      assertThat(server.received())
          .as("the server answered every stream it accepted")
          .isEqualTo(report.ok());
      assertThat(server.duplicates()).isZero();
      // every 10th stream the server accepted ended its connection; how many streams were refused
      // (and so how many GOAWAYs there were) depends on timing, the accounting does not
      assertThat(server.goAwaysSent())
          .as("one GOAWAY per 10th accepted stream, each on its own connection")
          .isEqualTo(server.received() / 10)
          .isPositive();
      assertThat(server.connectionsAccepted()).isGreaterThanOrEqualTo(server.goAwaysSent());
    }
  }

  @Test
  void h2c_twoPhaseGoAwayUnderConcurrentStreams_noDrops() throws Exception {
    Behavior drainEveryHundredth =
        (kind, n) -> n % 100 == 0 ? Action.OK_THEN_TWO_PHASE_GOAWAY : Action.OK;
    try (TestHttpServer server = TestHttpServer.start(drainEveryHundredth)) {
      LoadSpec spec =
          LoadSpec.builder()
              .target("127.0.0.1", server.port())
              .ratePerSecond(1000)
              .duration(Duration.ofSeconds(1))
              .mix(TrafficMix.only(TrafficKind.H2C))
              .h2Connections(1)
              .requestTimeout(PATIENT_TIMEOUT)
              .build();
      LoadReport report;
      try (LoadRun run = LoadGenerator.start(spec)) {
        report = run.awaitCompletion(Duration.ofSeconds(30));
      }

      assertThat(report.ok()).as(report.summary()).isEqualTo(1000);
      assertThat(server.received()).isEqualTo(1000);
      assertThat(server.duplicates()).isZero();
      assertThat(server.goAwaysSent()).isEqualTo(10);
      assertThat(server.connectionsAccepted()).isGreaterThanOrEqualTo(10);
    }
  }

  private static LoadReport run(int port, TrafficKind kind) throws Exception {
    return run(port, kind, PATIENT_TIMEOUT);
  }

  private static LoadReport run(int port, TrafficKind kind, Duration timeout) throws Exception {
    // enough for every request of a 1 s run to be in flight at once, so none waits for a free
    // connection (and so the server sees every request the generator sent)
    return run(port, kind, timeout, (int) REQUESTS);
  }

  private static LoadReport run(
      int port, TrafficKind kind, Duration timeout, int keepAliveConnections) throws Exception {
    LoadSpec spec =
        LoadSpec.builder()
            .target("127.0.0.1", port)
            .ratePerSecond(RATE)
            .duration(DURATION)
            .mix(TrafficMix.only(kind))
            .keepAliveConnections(keepAliveConnections)
            .h2Connections(2)
            .requestTimeout(timeout)
            .build();
    try (LoadRun run = LoadGenerator.start(spec)) {
      return run.awaitCompletion(Duration.ofSeconds(30));
    }
  }
}
