package io.sidecarset.proxy;

import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.DuplexChannel;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.ArrayDeque;
import java.util.concurrent.TimeUnit;

/**
 * One HTTP/1.1 client connection: forwards each request to the upstream and writes the responses
 * back in order (pipelined requests wait their turn).
 *
 * <p>Draining follows RFC 9112 §9.6 and the lesson of HAProxy's {@code idle-close-on-response}: the
 * connection is never closed under a request. Once a {@link DrainStarted} arrives, the next
 * response carries {@code Connection: close} and the connection closes after it; an idle one is
 * closed only at {@link DrainStarted#idleCloseAfter()} (near the deadline), and everything at
 * {@link DrainStarted#deadline()}. Closing is lingering: half-close our side, then wait for the
 * client's FIN, so that a late byte from the client does not turn into an RST that destroys the
 * response it has not read yet.
 */
final class Http1ProxyHandler extends ChannelInboundHandlerAdapter {

  /** How long a half-closed connection waits for the client to close its side. */
  static final long LINGER_MILLIS = 2_000;

  private final ProxyConfig config;
  private ChannelHandlerContext ctx;
  private Upstream upstream;
  private ArrayDeque<FullHttpRequest> waiting;
  private boolean busy;
  private boolean closing;
  private boolean draining;
  private ScheduledFuture<?> idleClose;
  private ScheduledFuture<?> hardClose;

  Http1ProxyHandler(ProxyConfig config) {
    this.config = config;
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    this.ctx = ctx;
    this.upstream = config.upstreams().apply(ctx.channel().eventLoop());
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (!(msg instanceof FullHttpRequest request)) {
      ReferenceCountUtil.release(msg);
      return;
    }
    if (closing) {
      request.release(); // after a Connection: close response nothing more is answered
      return;
    }
    if (!request.decoderResult().isSuccess()) {
      request.release();
      busy = true;
      respond(
          LocalResponses.text(HttpResponseStatus.BAD_REQUEST, "bad request\n"),
          false,
          HttpVersion.HTTP_1_1);
      return;
    }
    if (busy) {
      if (waiting == null) {
        waiting = new ArrayDeque<>(4);
      }
      waiting.add(request);
      return;
    }
    dispatch(request);
  }

  private void dispatch(FullHttpRequest request) {
    if (!ctx.channel().isActive()) {
      // the client gave up while this request waited its turn: do not load the application
      request.release();
      return;
    }
    busy = true;
    boolean keepAlive = HttpUtil.isKeepAlive(request);
    HttpVersion version = request.protocolVersion();
    if (ReadinessCheck.isReadinessRequest(request)) {
      ReadinessCheck.answer(request, config, upstream, r -> respond(r, keepAlive, version));
    } else {
      upstream.send(request, r -> respond(r, keepAlive, version));
    }
  }

  private void respond(FullHttpResponse response, boolean requestKeepAlive, HttpVersion version) {
    busy = false;
    Channel ch = ctx.channel();
    if (!ch.isActive() || closing) {
      response.release();
      return;
    }
    boolean keepAlive = requestKeepAlive && !draining;
    HopByHopHeaders.strip(response.headers());
    response.headers().set(SampleProxyHeaders.VERSION, config.version());
    if (!keepAlive) {
      response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
      closing = true;
      releaseWaiting();
      ChannelFuture written = ctx.writeAndFlush(response);
      if (requestKeepAlive) {
        // we end a connection the client meant to keep: it may be sending its next request now
        written.addListener((ChannelFuture f) -> lingeringClose());
      } else {
        // the client asked for the close and sends nothing more: close at once
        written.addListener(ChannelFutureListener.CLOSE);
      }
      return;
    }
    if (version == HttpVersion.HTTP_1_0) {
      response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
    }
    ctx.writeAndFlush(response, ch.voidPromise());
    FullHttpRequest next = waiting == null ? null : waiting.poll();
    if (next != null) {
      dispatch(next);
    }
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
    if (evt instanceof DrainStarted drain) {
      draining = true;
      cancelTimers();
      idleClose =
          ctx.executor()
              .schedule(this::closeIfIdle, drain.idleCloseAfter().toNanos(), TimeUnit.NANOSECONDS);
      hardClose =
          ctx.executor()
              .schedule(() -> ctx.close(), drain.deadline().toNanos(), TimeUnit.NANOSECONDS);
      return;
    }
    ctx.fireUserEventTriggered(evt);
  }

  private void closeIfIdle() {
    if (!busy && !closing) {
      closing = true;
      lingeringClose();
    }
  }

  private void lingeringClose() {
    Channel ch = ctx.channel();
    if (ch instanceof DuplexChannel duplex && ch.isActive() && !duplex.isOutputShutdown()) {
      duplex
          .shutdownOutput()
          .addListener(
              f ->
                  ctx.executor().schedule(() -> ctx.close(), LINGER_MILLIS, TimeUnit.MILLISECONDS));
    } else {
      ctx.close();
    }
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    cancelTimers();
    releaseWaiting();
    ctx.fireChannelInactive();
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    ctx.close();
  }

  private void releaseWaiting() {
    if (waiting != null) {
      FullHttpRequest r;
      while ((r = waiting.poll()) != null) {
        r.release();
      }
    }
  }

  private void cancelTimers() {
    if (idleClose != null) {
      idleClose.cancel(false);
    }
    if (hardClose != null) {
      hardClose.cancel(false);
    }
  }
}
