package io.sidecarset.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.util.AsciiString;
import io.netty.util.concurrent.MockTicker;
import io.netty.util.concurrent.Ticker;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.random.RandomGenerator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The whole client-connection pipeline, fed raw bytes as a socket would. */
@ExtendWith(BufferLeakCheck.class)
class ProxyServerInitializerTest {

  private final FakeUpstream upstream = new FakeUpstream();
  private final MockTicker ticker = Ticker.newMockTicker();
  private final ConnectionTracker tracker =
      new ConnectionTracker(RandomGenerator.of("L64X128MixRandom"), ticker);
  private EmbeddedChannel ch;

  @BeforeEach
  void setUp() {
    ProxyConfig config = new ProxyConfig(AsciiString.cached("v1"), () -> true, loop -> upstream);
    ch =
        EmbeddedChannel.builder()
            .ticker(ticker)
            .handlers(new ProxyServerInitializer(config, tracker))
            .build();
  }

  /** Lets {@code millis} of fake time pass and runs what fell due. */
  private void pass(long millis) {
    ticker.advance(millis, TimeUnit.MILLISECONDS);
    ch.runPendingTasks();
  }

  @AfterEach
  void tearDown() {
    ch.finishAndReleaseAll();
    while (!upstream.pending.isEmpty()) {
      upstream.pending.poll().request().release();
    }
  }

  private String readAll() {
    StringBuilder sb = new StringBuilder();
    ByteBuf b;
    while ((b = ch.readOutbound()) != null) {
      sb.append(b.toString(StandardCharsets.US_ASCII));
      b.release();
    }
    return sb.toString();
  }

  private void send(String text) {
    ch.writeInbound(Unpooled.copiedBuffer(text, StandardCharsets.US_ASCII));
  }

  @Test
  void http1BytesGetTheHttp1PipelineEvenWhenSplitAcrossReads() {
    send("GE");
    assertThat(upstream.pending).isEmpty();
    send("T /split HTTP/1.1\r\nHost: x\r\n\r\n");
    assertThat(upstream.answer("body")).isEqualTo("/split");
    String response = readAll();
    assertThat(response)
        .startsWith("HTTP/1.1 200 OK\r\n")
        .contains("x-proxy-version: v1\r\n")
        .endsWith("body");
    assertThat(tracker.openConnections()).isEqualTo(1);
  }

  @Test
  void aPrefixOfTheH2PrefaceWaitsForMoreBytes() {
    send("PRI * HTTP/2");
    assertThat(readAll()).isEmpty();
    assertThat(ch.isOpen()).isTrue();
    send(".0\r\n\r\nSM\r\n\r\n");
    // the h2 pipeline answers the preface with its SETTINGS frame (type 0x4 at byte 3)
    ByteBuf settings = ch.readOutbound();
    assertThat(settings.getByte(3)).isEqualTo((byte) 0x4);
    settings.release();
  }

  @Test
  void aConnectionThatSentNothingIsClosedAsIdleNearTheDeadline() {
    tracker.drain(Duration.ofSeconds(10));
    pass(0);
    assertThat(ch.isOpen()).isTrue();
    pass(8_900);
    assertThat(ch.isOpen()).as("idle connections close in the last tenth of the window").isTrue();
    pass(1_100);
    assertThat(ch.isOpen()).isFalse();
  }

  @Test
  void aDrainThatStartedBeforeTheFirstRequestStillClosesAfterItsResponse() {
    tracker.drain(Duration.ofSeconds(10));
    pass(ConnectionTracker.MAX_START_SPREAD.toMillis()); // its turn to drain has come
    send("GET /late HTTP/1.1\r\nHost: x\r\n\r\n");
    upstream.answer("late");
    assertThat(readAll()).contains("connection: close\r\n").endsWith("late");
    ch.runPendingTasks();
    assertThat(ch.isOpen()).isFalse();
  }
}
