package io.sidecarset.proxy;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFactory;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.http.DefaultHttpHeadersFactory;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Keep-alive HTTP/1.1 connections to the application, owned by one event loop: a request takes the
 * most recently used idle connection (or opens one), and the connection goes back when its response
 * is complete. No locks: everything runs on {@link #loop}.
 */
final class UpstreamPool implements Upstream {

  static final int MAX_CONTENT = 8 * 1024 * 1024;

  /**
   * The application's responses come from loopback, from the pod's own app: their headers are not
   * validated a second time when the proxy adds to them (the decoder still parses strictly).
   */
  private static final HttpDecoderConfig TRUSTED_RESPONSES =
      new HttpDecoderConfig()
          .setHeadersFactory(
              DefaultHttpHeadersFactory.headersFactory()
                  .withNameValidation(false)
                  .withValueValidation(false));

  private final EventLoop loop;
  private final HostPort address;
  private final Bootstrap bootstrap;
  private final ArrayDeque<UpstreamConnection> idle = new ArrayDeque<>();
  private final ArrayDeque<Exchange> waiting = new ArrayDeque<>();
  private final int maxIdle;
  private final int maxConnections;
  private final boolean connectionPerRequest;
  private int open;
  private final String hostHeader;
  private boolean closed;

  UpstreamPool(
      EventLoop loop,
      ChannelFactory<? extends Channel> channels,
      HostPort address,
      Duration timeout,
      int maxIdle,
      int maxConnections,
      boolean connectionPerRequest) {
    this.connectionPerRequest = connectionPerRequest;
    this.loop = loop;
    this.address = address;
    this.maxIdle = maxIdle;
    this.maxConnections = maxConnections;
    this.hostHeader = address.toString();
    long timeoutMillis = Math.max(1, timeout.toMillis());
    this.bootstrap =
        new Bootstrap()
            .group(loop)
            .channelFactory(channels)
            .option(ChannelOption.TCP_NODELAY, true)
            .option(ChannelOption.SO_KEEPALIVE, true)
            .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) Math.min(timeoutMillis, 10_000))
            .remoteAddress(address.toSocketAddress())
            .handler(
                new ChannelInitializer<>() {
                  @Override
                  protected void initChannel(Channel ch) {
                    ch.pipeline()
                        .addLast(
                            new IdleStateHandler(timeoutMillis, 0, 0, TimeUnit.MILLISECONDS),
                            new HttpClientCodec(TRUSTED_RESPONSES, false, false),
                            new HttpObjectAggregator(MAX_CONTENT),
                            new UpstreamConnection(UpstreamPool.this));
                  }
                });
  }

  @Override
  public void send(FullHttpRequest request, Consumer<FullHttpResponse> onResponse) {
    prepare(request);
    Exchange ex = new Exchange(request, onResponse, isRetryable(request));
    UpstreamConnection c = pollIdle();
    if (c != null) {
      c.start(ex, true);
    } else if (open < maxConnections) {
      connectFor(ex);
    } else {
      // the application is saturated: queue instead of piling up connections it cannot serve
      waiting.add(ex);
    }
  }

  @Override
  public Future<Boolean> probe() {
    Promise<Boolean> p = loop.newPromise();
    if (pollIdlePeek()) {
      return p.setSuccess(true);
    }
    connect()
        .addListener(
            (ChannelFuture f) -> {
              if (f.isSuccess()) {
                release(f.channel().pipeline().get(UpstreamConnection.class));
                p.setSuccess(true);
              } else {
                p.setSuccess(false);
              }
            });
    return p;
  }

  /** Opens {@code n} connections ahead of traffic, so the first requests do not pay for them. */
  Future<Void> preconnect(int n) {
    Promise<Void> done = loop.newPromise();
    int[] left = {n};
    for (int i = 0; i < n; i++) {
      connect()
          .addListener(
              (ChannelFuture f) -> {
                if (f.isSuccess()) {
                  release(f.channel().pipeline().get(UpstreamConnection.class));
                }
                if (--left[0] == 0) {
                  done.trySuccess(null);
                }
              });
    }
    if (n == 0) {
      done.setSuccess(null);
    }
    return done;
  }

  /** Closes the idle connections and refuses to keep any more. Runs on the loop. */
  void close() {
    closed = true;
    Exchange ex;
    while ((ex = waiting.poll()) != null) {
      ex.fail(HttpResponseStatus.SERVICE_UNAVAILABLE, "proxy shutting down");
    }
    UpstreamConnection c;
    while ((c = idle.pollFirst()) != null) {
      c.channel().close();
    }
  }

  int idleConnections() {
    return idle.size();
  }

  int openConnections() {
    return open;
  }

  EventLoop loop() {
    return loop;
  }

  /** Opens a connection counted against {@link #maxConnections} until it closes. */
  private ChannelFuture connect() {
    open++;
    ChannelFuture f = bootstrap.connect();
    f.channel().closeFuture().addListener(x -> connectionClosed());
    return f;
  }

  private void connectionClosed() {
    open--;
    if (!waiting.isEmpty() && open < maxConnections && !closed) {
      connectFor(waiting.poll());
    }
  }

  void connectFor(Exchange ex) {
    connect()
        .addListener(
            (ChannelFuture f) -> {
              if (f.isSuccess()) {
                f.channel().pipeline().get(UpstreamConnection.class).start(ex, false);
              } else {
                ex.fail(HttpResponseStatus.BAD_GATEWAY, "upstream " + address + " unreachable");
              }
            });
  }

  /** A connection whose response is complete and that may be kept. */
  void release(UpstreamConnection c) {
    Exchange next;
    if (!closed && c.channel().isActive() && (next = waiting.poll()) != null) {
      c.start(next, true);
      return;
    }
    if (closed || idle.size() >= maxIdle || !c.channel().isActive()) {
      c.channel().close();
    } else {
      idle.addFirst(c);
    }
  }

  /** An idle connection that the application closed, or that idled out. */
  void forget(UpstreamConnection c) {
    idle.remove(c);
  }

  private UpstreamConnection pollIdle() {
    UpstreamConnection c;
    while ((c = idle.pollFirst()) != null) {
      if (c.channel().isActive()) {
        return c;
      }
    }
    return null;
  }

  private boolean pollIdlePeek() {
    UpstreamConnection c = pollIdle();
    if (c == null) {
      return false;
    }
    idle.addFirst(c);
    return true;
  }

  private void prepare(FullHttpRequest request) {
    HopByHopHeaders.strip(request.headers());
    // the body is already aggregated here: the application must not wait to send 100-continue
    request.headers().remove(HttpHeaderNames.EXPECT);
    if (request.protocolVersion() != HttpVersion.HTTP_1_1) {
      request.setProtocolVersion(HttpVersion.HTTP_1_1);
    }
    if (connectionPerRequest) {
      request.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
    }
    if (!request.headers().contains(HttpHeaderNames.HOST)) {
      request.headers().set(HttpHeaderNames.HOST, hostHeader);
    }
  }

  /**
   * A request that failed on a reused connection may be sent once more on a new one when repeating
   * it is harmless (RFC 9110 §9.2.2) and it has no body to rewind: the application may have closed
   * the idle connection just as we wrote to it.
   */
  private static boolean isRetryable(FullHttpRequest r) {
    HttpMethod m = r.method();
    return (m == HttpMethod.GET || m == HttpMethod.HEAD || m == HttpMethod.OPTIONS)
        && !r.content().isReadable();
  }

  /** One request on its way to the application, with where its response goes. */
  final class Exchange {
    private final FullHttpRequest request;
    private final Consumer<FullHttpResponse> onResponse;
    private final boolean retryable;
    private boolean holdsRequest = true;
    private boolean retried;
    private boolean done;

    Exchange(FullHttpRequest request, Consumer<FullHttpResponse> onResponse, boolean retryable) {
      this.request = request;
      this.onResponse = onResponse;
      this.retryable = retryable;
    }

    /** Writes the request on {@code ch}; keeps a reference for one retry when that is allowed. */
    void writeTo(Channel ch, boolean reused) {
      if (reused && retryable && !retried) {
        request.retain();
      } else {
        holdsRequest = false;
      }
      ch.writeAndFlush(request, ch.voidPromise());
    }

    void complete(FullHttpResponse response) {
      if (done) {
        response.release();
        return;
      }
      done = true;
      dropRequest();
      onResponse.accept(response);
    }

    /** The connection died before the response was complete. */
    void connectionLost(String why) {
      if (done) {
        return;
      }
      if (holdsRequest && !retried) {
        retried = true;
        connectFor(this);
        return;
      }
      fail(HttpResponseStatus.BAD_GATEWAY, why);
    }

    void timedOut() {
      fail(HttpResponseStatus.GATEWAY_TIMEOUT, "upstream " + address + " did not answer in time");
    }

    void fail(HttpResponseStatus status, String why) {
      if (done) {
        return;
      }
      done = true;
      dropRequest();
      onResponse.accept(LocalResponses.text(status, why + "\n"));
    }

    private void dropRequest() {
      if (holdsRequest) {
        holdsRequest = false;
        request.release();
      }
    }
  }
}
