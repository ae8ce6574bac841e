package io.sidecarset.loadgen;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.DefaultHttp2HeadersFrame;
import io.netty.handler.codec.http2.Http2Connection;
import io.netty.handler.codec.http2.Http2FrameCodec;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2GoAwayFrame;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2MultiplexHandler;
import io.netty.handler.codec.http2.Http2SettingsFrame;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.handler.codec.http2.Http2StreamChannelBootstrap;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.Future;
import java.net.InetSocketAddress;
import java.util.ArrayDeque;
import java.util.function.Consumer;

/**
 * One long-lived HTTP/2 cleartext connection (prior knowledge), carrying one stream per request.
 *
 * <p>After the server's GOAWAY the connection takes no new streams ({@link #acceptsNewStreams()}
 * turns false and the owner opens a fresh connection for later requests); streams it already sent
 * above the GOAWAY's last-stream-id finish as {@link Outcome#GOAWAY_REFUSED}, the others run to
 * completion. A request that was routed here but not yet written when GOAWAY arrived (or the
 * connection closed) was never sent, so it is handed back to the owner ({@code reroute}) for a
 * fresh connection: that is not a retry.
 *
 * <p>Streams beyond the server's SETTINGS_MAX_CONCURRENT_STREAMS wait here for a stream to close,
 * their latency clock running, as in any HTTP/2 client.
 *
 * <p>Event-loop confined.
 */
final class H2cConnection {
  static final int INITIAL_MAX_CONCURRENT_STREAMS = 100;

  private final String path;
  private final String authority;
  private final Consumer<RequestAttempt> reroute;
  private final ArrayDeque<RequestAttempt> waitingForConnect = new ArrayDeque<>();
  private final ArrayDeque<RequestAttempt> waitingForStream = new ArrayDeque<>();
  private int streamsInUse;
  private boolean settingsReceived;
  private Channel parent;
  private Http2FrameCodec codec;
  private boolean connected;
  private boolean failed;
  private boolean goAwayReceived;
  private boolean closed;

  H2cConnection(String path, String authority, Consumer<RequestAttempt> reroute) {
    this.path = path;
    this.authority = authority;
    this.reroute = reroute;
  }

  /** Starts connecting; requests submitted meanwhile wait for the outcome of this connect. */
  ChannelFuture connect(Bootstrap base, InetSocketAddress address) {
    codec = Http2FrameCodecBuilder.forClient().build();
    Bootstrap bootstrap =
        base.clone()
            .handler(
                new ChannelInitializer<Channel>() {
                  @Override
                  protected void initChannel(Channel ch) {
                    ch.pipeline()
                        .addLast(
                            codec,
                            new Http2MultiplexHandler(new ChannelInboundHandlerAdapter()),
                            new ConnectionWatcher());
                  }
                });
    ChannelFuture connecting = bootstrap.connect(address);
    parent = connecting.channel();
    connecting.addListener(
        (ChannelFuture f) -> {
          if (!f.isSuccess()) {
            failed = true;
            for (RequestAttempt attempt; (attempt = waitingForConnect.pollFirst()) != null; ) {
              attempt.failConnect(f.cause());
            }
            return;
          }
          connected = true;
          for (RequestAttempt attempt; (attempt = waitingForConnect.pollFirst()) != null; ) {
            if (!attempt.isFinished()) {
              openStream(attempt);
            }
          }
        });
    return connecting;
  }

  /** False once the connection failed, got GOAWAY or closed: new requests need a fresh one. */
  boolean acceptsNewStreams() {
    return !failed && !goAwayReceived() && !closed && (!connected || parent.isActive());
  }

  /**
   * Asks the codec, not only our own flag: the codec records the GOAWAY and closes the refused
   * streams before the frame reaches {@link ConnectionWatcher}, and those closes free stream slots
   * that must not be handed to a waiting request on this connection.
   */
  private boolean goAwayReceived() {
    return goAwayReceived || codec.connection().goAwayReceived();
  }

  void submit(RequestAttempt attempt) {
    if (!connected) {
      attempt.stage("waiting for the h2c connection to connect");
      waitingForConnect.addLast(attempt);
      return;
    }
    openStream(attempt);
  }

  private void openStream(RequestAttempt attempt) {
    if (!acceptsNewStreams()) {
      reroute.accept(attempt);
      return;
    }
    if (streamsInUse >= maxConcurrentStreams()) {
      attempt.stage("waiting for a free h2c stream (server's max concurrent streams)");
      waitingForStream.addLast(attempt);
      return;
    }
    streamsInUse++;
    attempt.stage("sent, awaiting response");
    new Http2StreamChannelBootstrap(parent)
        .handler(new H2cStreamHandler(attempt, this))
        .open()
        .addListener(
            (Future<Http2StreamChannel> opened) -> {
              if (!opened.isSuccess()) {
                streamClosed();
                attempt.fail(opened.cause());
                return;
              }
              Http2StreamChannel stream = opened.getNow();
              if (attempt.isFinished()) {
                stream.close(); // its handler's channelInactive gives the stream back
                return;
              }
              attempt.onFinish(
                  () -> {
                    // a complete response closes the stream by itself; anything else (a timeout)
                    // cancels it with RST_STREAM(CANCEL) so the server stops working on it
                    boolean complete =
                        attempt.outcome() == Outcome.OK || attempt.outcome() == Outcome.NON_2XX;
                    if (!complete && stream.isActive()) {
                      stream.close();
                    }
                  });
              Http2Headers headers =
                  new DefaultHttp2Headers()
                      .method(HttpMethod.GET.asciiName())
                      .scheme("http")
                      .authority(authority)
                      .path(path);
              headers.set(RequestHeaders.SEQUENCE, Long.toString(attempt.sequence));
              headers.set(RequestHeaders.KIND, attempt.kind.label());
              stream
                  .writeAndFlush(new DefaultHttp2HeadersFrame(headers, true))
                  .addListener(
                      (ChannelFuture written) -> {
                        if (!written.isSuccess()) {
                          attempt.fail(written.cause());
                        }
                      });
            });
  }

  /**
   * The server's SETTINGS_MAX_CONCURRENT_STREAMS; until its SETTINGS arrive, the conservative 100
   * that RFC 9113 §5.1.2 recommends as the minimum (Go's client assumes the same), so a burst on a
   * new connection cannot exceed a limit the client has not heard yet.
   */
  private int maxConcurrentStreams() {
    int advertised = codec.connection().local().maxActiveStreams();
    return settingsReceived ? advertised : Math.min(advertised, INITIAL_MAX_CONCURRENT_STREAMS);
  }

  /** Opens waiting streams while the connection has room for them. */
  private void openWaitingStreams() {
    while (acceptsNewStreams() && streamsInUse < maxConcurrentStreams()) {
      RequestAttempt next = waitingForStream.pollFirst();
      if (next == null) {
        return;
      }
      if (!next.isFinished()) {
        openStream(next);
      }
    }
  }

  /**
   * True when a GOAWAY from the server named a last-stream-id below {@code streamId}: the server
   * declares it did not process that stream.
   */
  boolean refusedByGoAway(int streamId) {
    Http2Connection connection = codec.connection();
    return connection.goAwayReceived() && streamId > connection.local().lastStreamKnownByPeer();
  }

  /**
   * Called when a stream of this connection closed: start a waiting one, or retire a drained
   * GOAWAY'd connection.
   */
  void streamClosed() {
    streamsInUse--;
    if (!acceptsNewStreams()) {
      rerouteWaitingForStream();
      // our flag, not the codec's: the codec may still be closing refused streams; the watcher
      // closes a drained connection once the GOAWAY frame reaches it
      if (goAwayReceived && streamsInUse == 0) {
        parent.close();
      }
      return;
    }
    openWaitingStreams();
  }

  /** Requests waiting for a stream were never sent: they go to a fresh connection. */
  private void rerouteWaitingForStream() {
    for (RequestAttempt next; (next = waitingForStream.pollFirst()) != null; ) {
      if (!next.isFinished()) {
        reroute.accept(next);
      }
    }
  }

  /** Last handler of the connection pipeline: watches for GOAWAY and close. */
  private final class ConnectionWatcher extends ChannelInboundHandlerAdapter {
    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      try {
        if (msg instanceof Http2SettingsFrame) {
          settingsReceived = true;
          openWaitingStreams();
        }
        if (msg instanceof Http2GoAwayFrame) {
          goAwayReceived = true;
          rerouteWaitingForStream();
          if (streamsInUse == 0) {
            ctx.close();
          }
        }
      } finally {
        ReferenceCountUtil.release(msg);
      }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
      closed = true;
      rerouteWaitingForStream();
      ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      // stream-level failures reach the stream handlers; a connection-level one ends the
      // connection, and every stream on it then finishes by its own close
      closed = true;
      ctx.close();
    }
  }
}
