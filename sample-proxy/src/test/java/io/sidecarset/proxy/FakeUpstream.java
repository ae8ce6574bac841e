package io.sidecarset.proxy;

import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.ImmediateEventExecutor;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.function.Consumer;

/** An upstream that holds each request until the test answers it. */
final class FakeUpstream implements Upstream {

  record Pending(FullHttpRequest request, Consumer<FullHttpResponse> onResponse) {}

  final Deque<Pending> pending = new ArrayDeque<>();
  final List<String> seenUris = new ArrayList<>();
  boolean reachable = true;

  @Override
  public void send(FullHttpRequest request, Consumer<FullHttpResponse> onResponse) {
    seenUris.add(request.uri());
    pending.add(new Pending(request, onResponse));
  }

  @Override
  public Future<Boolean> probe() {
    return ImmediateEventExecutor.INSTANCE.newSucceededFuture(reachable);
  }

  /** Answers the oldest request with 200 and {@code body}; returns the request's URI. */
  String answer(String body) {
    Pending p = pending.poll();
    String uri = p.request().uri();
    p.request().release();
    FullHttpResponse r =
        new DefaultFullHttpResponse(
            HttpVersion.HTTP_1_1,
            HttpResponseStatus.OK,
            Unpooled.copiedBuffer(body, StandardCharsets.UTF_8));
    r.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, r.content().readableBytes());
    r.headers().set(HttpHeaderNames.CONNECTION, "keep-alive"); // hop-by-hop: must not pass
    p.onResponse().accept(r);
    return uri;
  }
}
