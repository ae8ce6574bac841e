package io.sidecarset.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.DefaultHttp2HeadersFrame;
import io.netty.handler.codec.http2.Http2ChannelDuplexHandler;
import io.netty.handler.codec.http2.Http2DataFrame;
import io.netty.handler.codec.http2.Http2FrameCodec;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2FrameStream;
import io.netty.handler.codec.http2.Http2GoAwayFrame;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2HeadersFrame;
import io.netty.handler.codec.http2.Http2PingFrame;
import io.netty.util.AsciiString;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.Ticker;
import io.sidecarset.api.SampleProxyContract;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.random.RandomGenerator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * An h2c client (Netty's frame codec in an EmbeddedChannel) talks to the proxy's real connection
 * pipeline (sniffer, frame codec, multiplexer, drain handler) in another EmbeddedChannel; the test
 * pumps the bytes between them and watches the frames the client receives.
 */
@ExtendWith(BufferLeakCheck.class)
class Http2DrainHandlerTest {

  private final FakeUpstream upstream = new FakeUpstream();
  private final List<Object> clientFrames = new ArrayList<>();
  private EmbeddedChannel server;
  private EmbeddedChannel client;
  private Http2FrameCodec clientCodec;
  private Http2ChannelDuplexHandler clientStreams;

  @BeforeEach
  void setUp() {
    ProxyConfig config = new ProxyConfig(AsciiString.cached("v2"), () -> true, loop -> upstream);
    server =
        new EmbeddedChannel(
            new ProxyServerInitializer(
                config,
                new ConnectionTracker(
                    RandomGenerator.of("L64X128MixRandom"), Ticker.systemTicker())));
    clientCodec = Http2FrameCodecBuilder.forClient().build();
    clientStreams =
        new Http2ChannelDuplexHandler() {
          @Override
          public void channelRead(ChannelHandlerContext ctx, Object msg) {
            clientFrames.add(msg);
          }
        };
    client = new EmbeddedChannel(clientCodec, clientStreams);
    pump();
  }

  @AfterEach
  void tearDown() {
    clientFrames.forEach(ReferenceCountUtil::release);
    while (!upstream.pending.isEmpty()) {
      upstream.pending.poll().request().release();
    }
    client.finishAndReleaseAll();
    server.finishAndReleaseAll();
  }

  /** Moves bytes both ways until neither side has anything left to say. */
  private void pump() {
    boolean moved;
    do {
      moved = false;
      server.runPendingTasks();
      client.runPendingTasks();
      ByteBuf b;
      while ((b = client.readOutbound()) != null) {
        server.writeInbound(b);
        moved = true;
      }
      while ((b = server.readOutbound()) != null) {
        if (client.isOpen()) {
          client.writeInbound(b);
        } else {
          b.release();
        }
        moved = true;
      }
    } while (moved);
  }

  private Http2FrameStream openStream(String path) {
    Http2FrameStream stream = clientStreams.newStream();
    Http2Headers headers =
        new DefaultHttp2Headers().method("GET").path(path).scheme("http").authority("proxy");
    client.writeAndFlush(new DefaultHttp2HeadersFrame(headers, true).stream(stream));
    pump();
    return stream;
  }

  private <T> List<T> received(Class<T> type) {
    return clientFrames.stream().filter(type::isInstance).map(type::cast).toList();
  }

  @Test
  void answersAStreamWithTheVersionHeader() {
    openStream("/h2");
    assertThat(upstream.answer("hi")).isEqualTo("/h2");
    pump();
    Http2HeadersFrame headers = received(Http2HeadersFrame.class).get(0);
    assertThat(headers.headers().status()).hasToString("200");
    assertThat(headers.headers().get(SampleProxyContract.VERSION_HEADER)).hasToString("v2");
    assertThat(headers.headers().contains("connection")).isFalse();
    assertThat(received(Http2DataFrame.class)).anyMatch(Http2DataFrame::isEndStream);
  }

  @Test
  void drainSendsTwoGoAwaysAroundAPingAndLetsTheOpenStreamFinish() {
    int streamId = openStream("/in-flight").id();
    assertThat(upstream.pending).hasSize(1);

    server
        .pipeline()
        .fireUserEventTriggered(new DrainStarted(Duration.ofSeconds(9), Duration.ofSeconds(10)));
    pump(); // GOAWAY(2^31-1) + PING out, the client acks the PING, the final GOAWAY follows

    List<Http2GoAwayFrame> goAways = received(Http2GoAwayFrame.class);
    assertThat(goAways).hasSize(2);
    assertThat(goAways.get(0).lastStreamId()).isEqualTo(Integer.MAX_VALUE);
    assertThat(goAways.get(0).errorCode()).isZero();
    assertThat(goAways.get(1).lastStreamId()).as("the real last stream").isEqualTo(streamId);
    assertThat(server.isOpen()).as("a stream is still open: the connection waits for it").isTrue();
    int firstGoAway = clientFrames.indexOf(goAways.get(0));
    assertThat(clientFrames.subList(firstGoAway, clientFrames.size()))
        .anyMatch(f -> f instanceof Http2PingFrame p && !p.ack());

    upstream.answer("finished");
    pump();
    Http2HeadersFrame headers = received(Http2HeadersFrame.class).get(0);
    assertThat(headers.headers().status()).hasToString("200");
    assertThat(received(Http2DataFrame.class)).anyMatch(Http2DataFrame::isEndStream);
    assertThat(server.isOpen()).as("closed once the last stream ended").isFalse();
  }

  @Test
  void anIdleConnectionClosesRightAfterTheFinalGoAway() {
    int streamId = openStream("/done").id();
    upstream.answer("ok");
    pump();
    server
        .pipeline()
        .fireUserEventTriggered(new DrainStarted(Duration.ofSeconds(9), Duration.ofSeconds(10)));
    pump();
    assertThat(received(Http2GoAwayFrame.class))
        .extracting(Http2GoAwayFrame::lastStreamId)
        .containsExactly(Integer.MAX_VALUE, streamId);
    assertThat(server.isOpen()).isFalse();
  }

  @Test
  void withoutAPingAnswerTheFinalGoAwayWaitsUntilNearTheDeadline() {
    server.freezeTime();
    int streamId = openStream("/x").id();
    server
        .pipeline()
        .fireUserEventTriggered(new DrainStarted(Duration.ofSeconds(9), Duration.ofSeconds(10)));
    // deliver the server's frames nowhere: the client never sees the PING
    List<ByteBuf> lost = new ArrayList<>();
    ByteBuf b;
    while ((b = server.readOutbound()) != null) {
      lost.add(b);
    }
    lost.forEach(ByteBuf::release);
    server.advanceTimeBy(8_999, java.util.concurrent.TimeUnit.MILLISECONDS);
    server.runScheduledPendingTasks();
    pump();
    assertThat(received(Http2GoAwayFrame.class))
        .as("no final GOAWAY before idleCloseAfter")
        .isEmpty();
    server.advanceTimeBy(1, java.util.concurrent.TimeUnit.MILLISECONDS);
    server.runScheduledPendingTasks();
    pump();
    assertThat(received(Http2GoAwayFrame.class))
        .extracting(Http2GoAwayFrame::lastStreamId)
        .containsExactly(streamId);
  }
}
