package io.sidecarset.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.AsciiString;
import io.sidecarset.api.SampleProxyContract;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(BufferLeakCheck.class)
class Http1ProxyHandlerTest {

  private final FakeUpstream upstream = new FakeUpstream();
  private boolean serving = true;
  private EmbeddedChannel ch;

  @BeforeEach
  void setUp() {
    ProxyConfig config = new ProxyConfig(AsciiString.cached("v7"), () -> serving, loop -> upstream);
    ch = new EmbeddedChannel(new Http1ProxyHandler(config));
    ch.freezeTime();
  }

  @AfterEach
  void tearDown() {
    ch.finishAndReleaseAll();
    while (!upstream.pending.isEmpty()) {
      upstream.pending.poll().request().release();
    }
  }

  private static FullHttpRequest get(String uri) {
    FullHttpRequest r =
        new DefaultFullHttpRequest(
            HttpVersion.HTTP_1_1, HttpMethod.GET, uri, Unpooled.EMPTY_BUFFER);
    r.headers().set(HttpHeaderNames.HOST, "example");
    return r;
  }

  private FullHttpResponse readResponse() {
    FullHttpResponse r = ch.readOutbound();
    assertThat(r).as("a response was written").isNotNull();
    return r;
  }

  private static String bodyAndRelease(FullHttpResponse r) {
    try {
      return r.content().toString(StandardCharsets.UTF_8);
    } finally {
      r.release();
    }
  }

  private static DrainStarted drain(long idleMillis, long deadlineMillis) {
    return new DrainStarted(Duration.ofMillis(idleMillis), Duration.ofMillis(deadlineMillis));
  }

  @Test
  void forwardsAndStampsTheVersionAndKeepsTheConnection() {
    ch.writeInbound(get("/a"));
    assertThat(upstream.answer("hello")).isEqualTo("/a");
    FullHttpResponse r = readResponse();
    assertThat(r.status().code()).isEqualTo(200);
    assertThat(r.headers().get(SampleProxyContract.VERSION_HEADER)).isEqualTo("v7");
    assertThat(r.headers().contains(HttpHeaderNames.CONNECTION)).as("hop-by-hop removed").isFalse();
    assertThat(bodyAndRelease(r)).isEqualTo("hello");
    assertThat(ch.isOpen()).isTrue();
  }

  @Test
  void clientConnectionCloseGetsConnectionCloseAndIsClosedAfterTheResponse() {
    FullHttpRequest req = get("/bye");
    req.headers().set(HttpHeaderNames.CONNECTION, "close");
    ch.writeInbound(req);
    upstream.answer("x");
    FullHttpResponse r = readResponse();
    assertThat(r.headers().get(HttpHeaderNames.CONNECTION)).isEqualTo("close");
    r.release();
    ch.runPendingTasks();
    assertThat(ch.isOpen()).isFalse();
  }

  @Test
  void pipelinedRequestsAreAnsweredInOrder() {
    ch.writeInbound(get("/1"), get("/2"));
    assertThat(upstream.pending).hasSize(1);
    upstream.answer("one");
    assertThat(upstream.pending).hasSize(1);
    upstream.answer("two");
    assertThat(bodyAndRelease(readResponse())).isEqualTo("one");
    assertThat(bodyAndRelease(readResponse())).isEqualTo("two");
    assertThat(upstream.seenUris).containsExactly("/1", "/2");
  }

  @Test
  void drainingGivesTheNextResponseConnectionCloseThenCloses() {
    ch.writeInbound(get("/before"));
    upstream.answer("a");
    assertThat(readResponse().release()).isTrue();

    ch.pipeline().fireUserEventTriggered(drain(9_000, 10_000));
    assertThat(ch.isOpen()).as("an idle connection is not closed when the drain starts").isTrue();

    ch.writeInbound(get("/after"));
    upstream.answer("b");
    FullHttpResponse r = readResponse();
    assertThat(r.status().code()).isEqualTo(200);
    assertThat(r.headers().get(HttpHeaderNames.CONNECTION)).isEqualTo("close");
    assertThat(bodyAndRelease(r)).isEqualTo("b");
    ch.runPendingTasks();
    assertThat(ch.isOpen()).isFalse();
  }

  @Test
  void aRequestInFlightWhenTheDrainStartsCompletesWithConnectionClose() {
    ch.writeInbound(get("/slow"));
    ch.pipeline().fireUserEventTriggered(drain(9_000, 10_000));
    ch.advanceTimeBy(5, TimeUnit.SECONDS);
    ch.runScheduledPendingTasks();
    assertThat(ch.isOpen()).isTrue();
    upstream.answer("done");
    FullHttpResponse r = readResponse();
    assertThat(r.headers().get(HttpHeaderNames.CONNECTION)).isEqualTo("close");
    assertThat(bodyAndRelease(r)).isEqualTo("done");
  }

  @Test
  void anIdleConnectionIsClosedOnlyNearTheDeadline() {
    ch.pipeline().fireUserEventTriggered(drain(9_000, 10_000));
    ch.advanceTimeBy(8_999, TimeUnit.MILLISECONDS);
    ch.runScheduledPendingTasks();
    assertThat(ch.isOpen()).as("still open just before idleCloseAfter").isTrue();
    ch.advanceTimeBy(1, TimeUnit.MILLISECONDS);
    ch.runScheduledPendingTasks();
    assertThat(ch.isOpen()).isFalse();
  }

  @Test
  void aRequestStillWaitingAtTheDeadlineIsCutThere() {
    ch.writeInbound(get("/stuck"));
    ch.pipeline().fireUserEventTriggered(drain(900, 1_000));
    ch.advanceTimeBy(950, TimeUnit.MILLISECONDS);
    ch.runScheduledPendingTasks();
    assertThat(ch.isOpen()).as("busy, so not closed as idle").isTrue();
    ch.advanceTimeBy(50, TimeUnit.MILLISECONDS);
    ch.runScheduledPendingTasks();
    assertThat(ch.isOpen()).isFalse();
    upstream.answer("too late"); // released by the handler, nothing written
    assertThat((Object) ch.readOutbound()).isNull();
  }

  @Test
  void readinessIsAnsweredByTheProxyItself() {
    ch.writeInbound(get(SampleProxyContract.READY_PATH));
    FullHttpResponse r = readResponse();
    assertThat(r.status().code()).isEqualTo(200);
    assertThat(r.headers().get(SampleProxyContract.VERSION_HEADER)).isEqualTo("v7");
    r.release();
    assertThat(upstream.seenUris).isEmpty();

    upstream.reachable = false;
    ch.writeInbound(get(SampleProxyContract.READY_PATH));
    assertThat(readResponse())
        .satisfies(x -> assertThat(x.status().code()).isEqualTo(503))
        .matches(x -> x.release());

    upstream.reachable = true;
    serving = false;
    ch.writeInbound(get(SampleProxyContract.READY_PATH + "?verbose"));
    assertThat(readResponse())
        .satisfies(x -> assertThat(x.status().code()).isEqualTo(503))
        .matches(x -> x.release());
  }

  @Test
  void http10KeepAliveIsAnsweredWithAnExplicitKeepAlive() {
    FullHttpRequest req =
        new DefaultFullHttpRequest(
            HttpVersion.HTTP_1_0, HttpMethod.GET, "/old", Unpooled.EMPTY_BUFFER);
    req.headers().set(HttpHeaderNames.CONNECTION, "keep-alive");
    ch.writeInbound(req);
    upstream.answer("x");
    FullHttpResponse r = readResponse();
    assertThat(r.headers().get(HttpHeaderNames.CONNECTION)).isEqualTo("keep-alive");
    r.release();
    assertThat(ch.isOpen()).isTrue();
  }
}
