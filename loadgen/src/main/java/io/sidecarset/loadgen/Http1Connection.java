package io.sidecarset.loadgen;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpStatusClass;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.ImmediateEventExecutor;
import io.netty.util.concurrent.Promise;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;

/**
 * One HTTP/1.1 client connection carrying one request at a time. It finishes the current {@link
 * RequestAttempt} on a complete response, on EOF, on an error, and never sends a request twice. The
 * owner decides what happens to the connection afterwards ({@link #reusable()}).
 *
 * <p>Event-loop confined.
 */
final class Http1Connection extends ChannelInboundHandlerAdapter {
  /** How long a connection-close request waits for the server's FIN before closing itself. */
  static final long SERVER_CLOSE_GRACE_MILLIS = 200;

  private final String path;
  private final String authority;
  private final boolean connectionClose;
  private Channel channel;
  private RequestAttempt current;
  private int status = -1;
  private boolean keepAlive;
  private boolean informational;
  private boolean broken;

  Http1Connection(String path, String authority, boolean connectionClose) {
    this.path = path;
    this.authority = authority;
    this.connectionClose = connectionClose;
  }

  /**
   * Opens the connection ahead of any request (before the run starts), so it is idle and {@link
   * #reusable()} once connected. A failed connect only leaves it not reusable.
   */
  ChannelFuture connectIdle(Bootstrap base, InetSocketAddress address) {
    keepAlive = true; // HTTP/1.1 connections are persistent until a response says otherwise
    ChannelFuture connecting = open(base, address);
    connecting.addListener(
        (ChannelFuture f) -> {
          if (!f.isSuccess()) {
            broken = true;
          }
        });
    return connecting;
  }

  /**
   * Adopts an already connected channel whose pipeline ends with this handler after an {@link
   * HttpClientCodec} (an embedded channel in tests), idle and reusable.
   */
  void adopt(Channel connected) {
    channel = connected;
    keepAlive = true;
  }

  private ChannelFuture open(Bootstrap base, InetSocketAddress address) {
    Bootstrap bootstrap =
        base.clone()
            .handler(
                new ChannelInitializer<Channel>() {
                  @Override
                  protected void initChannel(Channel ch) {
                    ch.pipeline().addLast(new HttpClientCodec(), Http1Connection.this);
                  }
                });
    ChannelFuture connecting = bootstrap.connect(address);
    channel = connecting.channel();
    return connecting;
  }

  /**
   * Connects and sends {@code first} once connected; a failed connect finishes it. The returned
   * future completes when the socket is gone: connect failed, or the connection closed.
   */
  Future<Void> connect(Bootstrap base, InetSocketAddress address, RequestAttempt first) {
    current = first;
    first.stage("connecting");
    ChannelFuture connecting = open(base, address);
    Promise<Void> gone = ImmediateEventExecutor.INSTANCE.newPromise();
    connecting.addListener(
        (ChannelFuture f) -> {
          if (f.isSuccess()) {
            f.channel().closeFuture().addListener(closed -> gone.trySuccess(null));
          } else {
            gone.trySuccess(null);
          }
        });
    connecting.addListener(
        (ChannelFuture f) -> {
          if (!f.isSuccess()) {
            broken = true;
            RequestAttempt attempt = take();
            if (attempt != null) {
              attempt.failConnect(f.cause());
            }
            return;
          }
          if (first.isFinished()) {
            close();
            return;
          }
          write(first);
        });
    return gone;
  }

  /** Sends {@code attempt} on this already connected, idle connection. */
  void send(RequestAttempt attempt) {
    current = attempt;
    write(attempt);
  }

  private void write(RequestAttempt attempt) {
    attempt.stage("sent, awaiting response");
    status = -1;
    keepAlive = false;
    DefaultFullHttpRequest request =
        new DefaultFullHttpRequest(
            HttpVersion.HTTP_1_1, HttpMethod.GET, path, Unpooled.EMPTY_BUFFER);
    request.headers().set(HttpHeaderNames.HOST, authority);
    request.headers().set(RequestHeaders.SEQUENCE, attempt.sequence);
    request.headers().set(RequestHeaders.KIND, attempt.kind.label());
    if (connectionClose) {
      request.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
    }
    channel
        .writeAndFlush(request)
        .addListener(
            (ChannelFuture f) -> {
              if (!f.isSuccess() && current == attempt) {
                broken = true;
                take().fail(f.cause());
                channel.close();
              }
            });
  }

  /** True when the last request got a complete keep-alive response and the connection is open. */
  boolean reusable() {
    return current == null && !broken && keepAlive && channel.isActive();
  }

  /** Closes now; any request still on it must already be finished. */
  void close() {
    current = null;
    broken = true;
    channel.close();
  }

  /**
   * After a connection-close request finished: a complete response leaves the close to the server
   * (so TIME_WAIT stays on the server side), with a short fallback; anything else closes now.
   */
  void closeAfter(Outcome outcome) {
    if (outcome == Outcome.OK || outcome == Outcome.NON_2XX) {
      current = null;
      channel
          .eventLoop()
          .schedule(() -> channel.close(), SERVER_CLOSE_GRACE_MILLIS, TimeUnit.MILLISECONDS);
    } else {
      close();
    }
  }

  private RequestAttempt take() {
    RequestAttempt attempt = current;
    current = null;
    return attempt;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    try {
      if (msg instanceof HttpObject object && object.decoderResult().isFailure()) {
        broken = true;
        RequestAttempt attempt = take();
        if (attempt != null) {
          attempt.finish(Outcome.OTHER, "malformed response: " + object.decoderResult().cause());
        }
        ctx.close();
        return;
      }
      if (msg instanceof HttpResponse response) {
        informational = response.status().codeClass() == HttpStatusClass.INFORMATIONAL;
        if (!informational && current != null) {
          current.stage("response headers received, awaiting body");
        }
        if (!informational) {
          status = response.status().code();
          keepAlive = HttpUtil.isKeepAlive(response);
        }
      }
      if (msg instanceof LastHttpContent) {
        if (informational) {
          informational = false;
          return;
        }
        RequestAttempt attempt = take();
        if (attempt == null) {
          broken = true; // a response nobody asked for: the connection is out of step
          ctx.close();
          return;
        }
        Outcome outcome = OutcomeClassifier.ofStatus(status);
        attempt.finish(outcome, outcome == Outcome.OK ? null : "HTTP " + status);
      }
    } finally {
      ReferenceCountUtil.release(msg);
    }
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    broken = true;
    RequestAttempt attempt = take();
    if (attempt != null) {
      attempt.finish(
          Outcome.EOF,
          status < 0
              ? "connection closed before the response"
              : "connection closed before the response body was complete");
    }
    ctx.fireChannelInactive();
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    broken = true;
    RequestAttempt attempt = take();
    if (attempt != null) {
      attempt.fail(cause);
    }
    ctx.close();
  }
}
