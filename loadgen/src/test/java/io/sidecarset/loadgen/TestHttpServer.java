package io.sidecarset.loadgen;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPromise;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.DuplexChannel;
import io.netty.channel.socket.ServerSocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http2.DefaultHttp2DataFrame;
import io.netty.handler.codec.http2.DefaultHttp2GoAwayFrame;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.DefaultHttp2HeadersFrame;
import io.netty.handler.codec.http2.DefaultHttp2PingFrame;
import io.netty.handler.codec.http2.DefaultHttp2ResetFrame;
import io.netty.handler.codec.http2.Http2CodecUtil;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2FrameCodec;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2HeadersFrame;
import io.netty.handler.codec.http2.Http2MultiplexHandler;
import io.netty.handler.codec.http2.Http2PingFrame;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.util.CharsetUtil;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.net.InetSocketAddress;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A loopback HTTP/1.1 + h2c (prior knowledge, same port) server for the generator's ITs. Each
 * request is answered as the {@link Behavior} decides, and every request that reaches it is counted
 * by kind and by the generator's sequence header, so a test can compare server-side and client-side
 * counts and detect any request seen twice (a retry).
 */
final class TestHttpServer implements AutoCloseable {

  /** What the server does with one request. */
  enum Action {
    /** 200 with a small body. */
    OK,
    /** 503 with a small body. */
    STATUS_503,
    /** h1: close the connection with RST (SO_LINGER 0). h2: RST_STREAM(INTERNAL_ERROR). */
    RESET,
    /** Send headers and part of the body, then close the TCP connection. */
    CLOSE_MID_RESPONSE,
    /** Never answer. */
    NO_ANSWER,
    /** h1: 200 with {@code Connection: close}, then close. h2: 200, then a graceful GOAWAY. */
    OK_THEN_CLOSE,
    /**
     * h2 only: 200, then the two-phase GOAWAY a draining proxy sends (RFC 9113 §6.8): first
     * last-stream-id 2^31-1 ("stop opening streams") with a PING; when the PING's ack arrives, the
     * client has read that GOAWAY and every stream it opened before is already here, so the real
     * GOAWAY (last stream created) refuses nothing; then close once the streams are done. No timer:
     * it holds however late either side runs. (h1: same as {@link #OK_THEN_CLOSE}.)
     */
    OK_THEN_TWO_PHASE_GOAWAY,
    /** h2 only: GOAWAY with last-stream-id below this stream, which is never answered. */
    GOAWAY_REFUSE
  }

  /** Decides the action for the n-th request (1-based) of a kind. */
  @FunctionalInterface
  interface Behavior {
    Action decide(TrafficKind kind, long nthOfKind);

    static Behavior always(Action action) {
      return (kind, n) -> action;
    }
  }

  /**
   * How long a closing h2 connection waits for its active streams before closing anyway. Above the
   * ITs' patient request timeout, so only a client that never finishes a stream hits it.
   */
  static final long GRACEFUL_CLOSE_DEADLINE_MILLIS = 10_000;

  /** How long a closed h2 connection keeps reading (and discarding) until the client closes too. */
  static final long LINGER_MILLIS = 10_000;

  /** The payload of the PING that ends the first phase of a two-phase GOAWAY. */
  private static final long DRAIN_PING = 0x5349444543415253L;

  private static final byte[] BODY = "ok\n".getBytes(CharsetUtil.US_ASCII);

  private final Behavior behavior;
  private final EventLoopGroup group;
  private final Channel serverChannel;
  private final ChannelGroup connections = new DefaultChannelGroup(GlobalEventExecutor.INSTANCE);
  private final Map<TrafficKind, AtomicLong> received = new EnumMap<>(TrafficKind.class);
  private final Set<Long> sequences = ConcurrentHashMap.newKeySet();
  private final AtomicLong duplicates = new AtomicLong();
  private final AtomicLong connectionsAccepted = new AtomicLong();
  private final AtomicLong goAwaysSent = new AtomicLong();
  private volatile boolean shuttingDown;

  private final boolean trackSequences;

  private TestHttpServer(Behavior behavior, int port, boolean trackSequences)
      throws InterruptedException {
    this.behavior = behavior;
    this.trackSequences = trackSequences;
    for (TrafficKind kind : TrafficKind.values()) {
      received.put(kind, new AtomicLong());
    }
    boolean epoll = Epoll.isAvailable();
    group =
        new MultiThreadIoEventLoopGroup(
            1, epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory());
    Class<? extends ServerSocketChannel> channelClass =
        epoll ? EpollServerSocketChannel.class : NioServerSocketChannel.class;
    serverChannel =
        new ServerBootstrap()
            .group(group)
            .channel(channelClass)
            .option(ChannelOption.SO_BACKLOG, 4096)
            .childHandler(
                new ChannelInitializer<Channel>() {
                  @Override
                  protected void initChannel(Channel ch) {
                    connectionsAccepted.incrementAndGet();
                    connections.add(ch);
                    ch.pipeline().addLast(new ProtocolSniffer());
                  }
                })
            .bind(new InetSocketAddress("127.0.0.1", port))
            .sync()
            .channel();
  }

  /** Starts on an ephemeral loopback port, counting every request's sequence number. */
  static TestHttpServer start(Behavior behavior) throws InterruptedException {
    return new TestHttpServer(behavior, 0, true);
  }

  /** Starts on a given loopback port without per-sequence bookkeeping (for benchmarks). */
  static TestHttpServer startLean(Behavior behavior, int port) throws InterruptedException {
    return new TestHttpServer(behavior, port, false);
  }

  int port() {
    return ((InetSocketAddress) serverChannel.localAddress()).getPort();
  }

  /** Requests of a kind that reached the server (counted before the action). */
  long received(TrafficKind kind) {
    return received.get(kind).get();
  }

  long received() {
    return received.values().stream().mapToLong(AtomicLong::get).sum();
  }

  /** Requests whose sequence number the server had already seen: any retry shows up here. */
  long duplicates() {
    return duplicates.get();
  }

  long connectionsAccepted() {
    return connectionsAccepted.get();
  }

  /** h2 connections the server began to shut down with a GOAWAY (each counted once). */
  long goAwaysSent() {
    return goAwaysSent.get();
  }

  private Action record(TrafficKind kind, CharSequence sequence) {
    if (trackSequences && sequence != null && !sequences.add(Long.parseLong(sequence.toString()))) {
      duplicates.incrementAndGet();
    }
    return behavior.decide(kind, received.get(kind).incrementAndGet());
  }

  @Override
  public void close() {
    shuttingDown = true; // no lingering from here on
    serverChannel.close().syncUninterruptibly();
    connections.close().awaitUninterruptibly();
    group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
  }

  /** Picks HTTP/1.1 or h2c by whether the connection starts with the HTTP/2 preface. */
  private final class ProtocolSniffer extends ByteToMessageDecoder {
    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
      ByteBuf preface = Http2CodecUtil.connectionPrefaceBuf();
      try {
        int n = Math.min(in.readableBytes(), preface.readableBytes());
        boolean prefixMatches =
            ByteBufUtil.equals(in, in.readerIndex(), preface, preface.readerIndex(), n);
        if (prefixMatches && n < preface.readableBytes()) {
          return; // need more bytes to decide
        }
        if (prefixMatches) {
          Http2FrameCodec codec =
              Http2FrameCodecBuilder.forServer()
                  .gracefulShutdownTimeoutMillis(GRACEFUL_CLOSE_DEADLINE_MILLIS)
                  .build();
          ctx.pipeline().addFirst(new LingeringClose());
          ctx.pipeline()
              .addLast(
                  codec,
                  new Http2MultiplexHandler(
                      new ChannelInitializer<Http2StreamChannel>() {
                        @Override
                        protected void initChannel(Http2StreamChannel ch) {
                          ch.pipeline().addLast(new H2StreamHandler());
                        }
                      }),
                  new SecondGoAwayOnPingAck(codec));
        } else {
          ctx.pipeline()
              .addLast(new HttpServerCodec(), new HttpObjectAggregator(65536), new H1Handler());
        }
        ctx.pipeline().remove(this);
      } finally {
        preface.release();
      }
    }
  }

  private final class H1Handler extends SimpleChannelInboundHandler<FullHttpRequest> {
    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
      String kindLabel = request.headers().get(RequestHeaders.KIND, "keepalive");
      Action action =
          record(TrafficKind.ofLabel(kindLabel), request.headers().get(RequestHeaders.SEQUENCE));
      boolean keepAlive = HttpUtil.isKeepAlive(request);
      switch (action) {
        case OK -> respond(ctx, HttpResponseStatus.OK, keepAlive);
        case STATUS_503 -> respond(ctx, HttpResponseStatus.SERVICE_UNAVAILABLE, keepAlive);
        case OK_THEN_CLOSE, OK_THEN_TWO_PHASE_GOAWAY -> respond(ctx, HttpResponseStatus.OK, false);
        case RESET -> {
          ctx.channel().config().setOption(ChannelOption.SO_LINGER, 0);
          ctx.close();
        }
        case CLOSE_MID_RESPONSE -> {
          HttpResponse head = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
          HttpUtil.setContentLength(head, 100);
          ctx.write(head);
          ctx.writeAndFlush(new DefaultHttpContent(Unpooled.wrappedBuffer(BODY)))
              .addListener(ChannelFutureListener.CLOSE);
        }
        case NO_ANSWER, GOAWAY_REFUSE -> {}
      }
    }

    private void respond(ChannelHandlerContext ctx, HttpResponseStatus status, boolean keepAlive) {
      FullHttpResponse response =
          new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, Unpooled.wrappedBuffer(BODY));
      HttpUtil.setContentLength(response, BODY.length);
      if (keepAlive) {
        ctx.writeAndFlush(response);
      } else {
        response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
      }
    }
  }

  /**
   * Second phase of {@link Action#OK_THEN_TWO_PHASE_GOAWAY}: the client acked the PING sent with
   * the first GOAWAY, so it opens no more streams here; name the last one it did open, then close.
   */
  private static final class SecondGoAwayOnPingAck extends ChannelInboundHandlerAdapter {
    private final Http2FrameCodec codec;

    SecondGoAwayOnPingAck(Http2FrameCodec codec) {
      this.codec = codec;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      if (msg instanceof Http2PingFrame ping && ping.ack() && ping.content() == DRAIN_PING) {
        int lastStream = codec.connection().remote().lastStreamCreated();
        codec.goAway(
            ctx.pipeline().context(codec),
            lastStream,
            Http2Error.NO_ERROR.code(),
            Unpooled.EMPTY_BUFFER,
            ctx.newPromise());
        ctx.channel().close(); // the GOAWAY is sent: close once no stream is active
        return;
      }
      ctx.fireChannelRead(msg);
    }
  }

  /**
   * The close of an h2 connection, done as HTTP servers do it (lingering close): flush, send FIN,
   * and keep reading and discarding until the client closes too, or {@link #LINGER_MILLIS}. A plain
   * close with client bytes still unread (streams the client sent before it saw the GOAWAY) makes
   * the kernel answer with RST, and the client may then lose responses and the GOAWAY it had not
   * read yet: streams at or below last-stream-id would end as EOF, with no server fault.
   */
  private final class LingeringClose extends ChannelDuplexHandler {
    private boolean lingering;

    @Override
    public void close(ChannelHandlerContext ctx, ChannelPromise promise) {
      if (lingering || shuttingDown || !ctx.channel().isActive()) {
        ctx.close(promise);
        return;
      }
      lingering = true;
      ctx.channel().closeFuture().addListener(closed -> promise.trySuccess());
      ctx.writeAndFlush(Unpooled.EMPTY_BUFFER)
          .addListener(flushed -> ((DuplexChannel) ctx.channel()).shutdownOutput());
      ctx.executor().schedule(() -> ctx.close(), LINGER_MILLIS, TimeUnit.MILLISECONDS);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      if (lingering) {
        ReferenceCountUtil.release(msg); // the client's FIN ends the connection (no half-closure)
        return;
      }
      ctx.fireChannelRead(msg);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      if (lingering) {
        ctx.close(); // e.g. the client reset the connection it was done with: nothing left to do
        return;
      }
      ctx.fireExceptionCaught(cause);
    }
  }

  private final class H2StreamHandler extends ChannelInboundHandlerAdapter {
    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      try {
        if (!(msg instanceof Http2HeadersFrame headers) || !headers.isEndStream()) {
          return;
        }
        CharSequence sequence = headers.headers().get(RequestHeaders.SEQUENCE);
        Action action = record(TrafficKind.H2C, sequence);
        Channel parent = ctx.channel().parent();
        switch (action) {
          case OK -> respond(ctx, 200);
          case STATUS_503 -> respond(ctx, 503);
          case OK_THEN_CLOSE -> {
            respond(ctx, 200);
            if (!parent.pipeline().get(Http2FrameCodec.class).connection().goAwaySent()) {
              goAwaysSent.incrementAndGet();
            }
            // Http2ConnectionHandler: GOAWAY(last created stream), close once no stream is active
            // (or after GRACEFUL_CLOSE_DEADLINE_MILLIS); LingeringClose then drains the socket
            parent.close();
          }
          case OK_THEN_TWO_PHASE_GOAWAY -> {
            respond(ctx, 200);
            Http2FrameCodec codec = parent.pipeline().get(Http2FrameCodec.class);
            if (!codec.connection().goAwaySent()) {
              goAwaysSent.incrementAndGet();
              parent.write(
                  new DefaultHttp2GoAwayFrame(Http2Error.NO_ERROR)
                      .setExtraStreamIds(Integer.MAX_VALUE));
              parent.writeAndFlush(new DefaultHttp2PingFrame(DRAIN_PING));
            }
          }
          case RESET -> ctx.writeAndFlush(new DefaultHttp2ResetFrame(Http2Error.INTERNAL_ERROR));
          case CLOSE_MID_RESPONSE -> {
            ctx.write(new DefaultHttp2HeadersFrame(new DefaultHttp2Headers().status("200"), false));
            ctx.writeAndFlush(new DefaultHttp2DataFrame(Unpooled.wrappedBuffer(BODY), false))
                .addListener(f -> parent.pipeline().firstContext().close()); // bypass GOAWAY
          }
          case GOAWAY_REFUSE -> {
            Http2FrameCodec codec = parent.pipeline().get(Http2FrameCodec.class);
            int streamId = ((Http2StreamChannel) ctx.channel()).stream().id();
            codec.goAway(
                parent.pipeline().context(codec),
                Math.max(0, streamId - 2),
                Http2Error.NO_ERROR.code(),
                Unpooled.EMPTY_BUFFER,
                parent.newPromise());
            parent.flush();
          }
          case NO_ANSWER -> {}
        }
      } finally {
        ReferenceCountUtil.release(msg);
      }
    }

    private void respond(ChannelHandlerContext ctx, int status) {
      ctx.write(
          new DefaultHttp2HeadersFrame(
              new DefaultHttp2Headers().status(Integer.toString(status)), false));
      ctx.writeAndFlush(new DefaultHttp2DataFrame(Unpooled.wrappedBuffer(BODY), true));
    }
  }
}
