package io.sidecarset.webhook.bench;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.AttributeKey;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BiPredicate;
import java.util.function.LongFunction;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * An open-loop HTTPS/1.1 client for load runs: requests are due at fixed intervals whatever the
 * server does, and each latency is measured from the moment the request was due (so a stall shows
 * as latency instead of hiding, no coordinated omission). Requests go over a pool of keep-alive
 * connections, one request at a time per connection (as the apiserver's webhook client does); a new
 * connection is opened when all are busy, up to a limit, beyond which requests queue.
 */
final class OpenLoopTlsClient implements AutoCloseable {

  private static final AttributeKey<InFlight> IN_FLIGHT = AttributeKey.valueOf("inFlight");

  private final InetSocketAddress target;
  private final int maxConnections;
  private final EventLoopGroup group;
  private final Bootstrap bootstrap;
  private final ConcurrentLinkedDeque<Channel> idle = new ConcurrentLinkedDeque<>();
  private final ConcurrentLinkedQueue<InFlight> waiting = new ConcurrentLinkedQueue<>();
  private final AtomicInteger open = new AtomicInteger();
  private volatile Phase phase;

  /** One request in a run: when it was due, what it is, how to judge the answer. */
  private record InFlight(long dueNanos, FullHttpRequest request, long index, Phase phase) {}

  /** The counters of one run. */
  private static final class Phase {
    final Recorder latencies = new Recorder(TimeUnit.SECONDS.toNanos(60), 3);
    final AtomicLong ok = new AtomicLong();
    final AtomicLong failed = new AtomicLong();
    final AtomicLong completed = new AtomicLong();
    final BiPredicate<Long, FullHttpResponse> check;
    volatile String firstFailure;

    Phase(BiPredicate<Long, FullHttpResponse> check) {
      this.check = check;
    }

    void fail(String why) {
      if (firstFailure == null) {
        firstFailure = why;
      }
      failed.incrementAndGet();
      completed.incrementAndGet();
    }
  }

  /**
   * What a run measured.
   *
   * @param sent requests sent
   * @param ok answers that passed the check
   * @param failed errors: wrong answers, broken connections, no answer within the drain time
   * @param latency latency from due time to complete response, nanoseconds
   * @param firstFailure the first error seen, or null
   * @param connections connections open at the end
   */
  record Result(
      long sent, long ok, long failed, Histogram latency, String firstFailure, int connections) {}

  OpenLoopTlsClient(InetSocketAddress target, SslContext ssl, int ioThreads, int maxConnections) {
    this.target = target;
    this.maxConnections = maxConnections;
    boolean epoll = Epoll.isAvailable();
    this.group =
        new MultiThreadIoEventLoopGroup(
            ioThreads, epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory());
    this.bootstrap =
        new Bootstrap()
            .group(group)
            .channel(epoll ? EpollSocketChannel.class : NioSocketChannel.class)
            .option(ChannelOption.TCP_NODELAY, true)
            .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 5000)
            .handler(
                new ChannelInitializer<SocketChannel>() {
                  @Override
                  protected void initChannel(SocketChannel ch) {
                    SslHandler tls =
                        ssl.newHandler(ch.alloc(), target.getHostString(), target.getPort());
                    ch.pipeline()
                        .addLast(tls)
                        .addLast(new HttpClientCodec())
                        .addLast(new HttpObjectAggregator(16 << 20))
                        .addLast(new ResponseHandler());
                  }
                });
  }

  /** Opens {@code count} connections (TLS handshakes done) before a run, as a warm pool. */
  void prewarm(int count) throws InterruptedException {
    for (int i = 0; i < count; i++) {
      Channel ch = bootstrap.connect(target).sync().channel();
      ch.pipeline().get(SslHandler.class).handshakeFuture().sync();
      open.incrementAndGet();
      idle.push(ch);
    }
  }

  /**
   * Sends {@code rate} requests per second for {@code duration}, then waits up to {@code drain} for
   * the last answers. Bounded: returns after duration + drain at the latest.
   *
   * @param requestFor the request with index i (a fresh buffer each time)
   * @param check whether the answer to request i is right
   */
  Result run(
      double rate,
      Duration duration,
      Duration drain,
      LongFunction<FullHttpRequest> requestFor,
      BiPredicate<Long, FullHttpResponse> check)
      throws InterruptedException {
    Phase run = new Phase(check);
    phase = run;
    long interval = (long) (1_000_000_000L / rate);
    long total = (long) (rate * duration.toNanos() / 1e9);
    long start = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(10);
    for (long i = 0; i < total; i++) {
      long due = start + i * interval;
      long wait = due - System.nanoTime();
      if (wait > 0) {
        LockSupport.parkNanos(wait);
      }
      dispatch(new InFlight(due, requestFor.apply(i), i, run));
    }
    long deadline = System.nanoTime() + drain.toNanos();
    while (run.completed.get() < total && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
    // requests still queued for a connection are abandoned: the next run must start clean
    waiting.removeIf(
        r -> {
          if (r.phase() != run) {
            return false;
          }
          r.request().release();
          return true;
        });
    long unanswered = total - run.completed.get();
    if (unanswered > 0) {
      run.failed.addAndGet(unanswered);
      if (run.firstFailure == null) {
        run.firstFailure = unanswered + " requests unanswered after the drain time";
      }
    }
    Histogram latency = run.latencies.getIntervalHistogram();
    return new Result(total, run.ok.get(), run.failed.get(), latency, run.firstFailure, open.get());
  }

  private void dispatch(InFlight request) {
    Channel ch = idle.poll();
    if (ch != null) {
      send(ch, request);
      return;
    }
    if (open.incrementAndGet() <= maxConnections) {
      ChannelFuture connect = bootstrap.connect(target);
      connect.addListener(
          f -> {
            if (!f.isSuccess()) {
              open.decrementAndGet();
              request.phase().fail("connect failed: " + f.cause());
              request.request().release();
              return;
            }
            send(connect.channel(), request);
          });
      return;
    }
    open.decrementAndGet();
    waiting.add(request);
    // a connection may have come free between the poll above and the add
    Channel freed = idle.poll();
    if (freed != null) {
      release(freed);
    }
  }

  private void send(Channel ch, InFlight request) {
    ch.eventLoop()
        .execute(
            () -> {
              if (!ch.isActive()) {
                request.phase().fail("connection closed before sending");
                request.request().release();
                return;
              }
              ch.attr(IN_FLIGHT).set(request);
              ch.writeAndFlush(request.request())
                  .addListener(
                      f -> {
                        if (!f.isSuccess()) {
                          ch.close();
                        }
                      });
            });
  }

  /** A connection finished its request: give it the next waiting one, or park it. */
  private void release(Channel ch) {
    InFlight next = waiting.poll();
    if (next != null) {
      send(ch, next);
    } else {
      idle.push(ch);
    }
  }

  private final class ResponseHandler extends SimpleChannelInboundHandler<FullHttpResponse> {
    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpResponse response) {
      InFlight request = ctx.channel().attr(IN_FLIGHT).getAndSet(null);
      if (request == null) {
        return;
      }
      long latency = System.nanoTime() - request.dueNanos();
      Phase run = request.phase();
      if (run.check.test(request.index(), response)) {
        run.latencies.recordValue(Math.min(latency, TimeUnit.SECONDS.toNanos(60)));
        run.ok.incrementAndGet();
        run.completed.incrementAndGet();
      } else {
        run.fail(
            "request "
                + request.index()
                + ": HTTP "
                + response.status()
                + " "
                + response
                    .content()
                    .toString(StandardCharsets.UTF_8)
                    .lines()
                    .findFirst()
                    .orElse(""));
      }
      release(ctx.channel());
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
      open.decrementAndGet();
      idle.remove(ctx.channel());
      InFlight request = ctx.channel().attr(IN_FLIGHT).getAndSet(null);
      if (request != null) {
        request.phase().fail("connection closed with a request in flight");
      }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      InFlight request = ctx.channel().attr(IN_FLIGHT).getAndSet(null);
      if (request != null) {
        request.phase().fail("connection error: " + cause);
      }
      ctx.close();
    }
  }

  /** A POST of {@code body} to {@code path} with the headers the apiserver sends. */
  static FullHttpRequest post(String path, String host, byte[] body) {
    FullHttpRequest request =
        new DefaultFullHttpRequest(
            HttpVersion.HTTP_1_1, HttpMethod.POST, path, Unpooled.wrappedBuffer(body));
    request.headers().set(HttpHeaderNames.HOST, host);
    request.headers().set(HttpHeaderNames.CONTENT_TYPE, "application/json");
    request.headers().set(HttpHeaderNames.ACCEPT, "application/json, */*");
    request.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, body.length);
    return request;
  }

  /** A GET of {@code path}. */
  static FullHttpRequest get(String path, String host) {
    FullHttpRequest request =
        new DefaultFullHttpRequest(
            HttpVersion.HTTP_1_1, HttpMethod.GET, path, Unpooled.EMPTY_BUFFER);
    request.headers().set(HttpHeaderNames.HOST, host);
    request.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, 0);
    return request;
  }

  @Override
  public void close() {
    group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
  }
}
