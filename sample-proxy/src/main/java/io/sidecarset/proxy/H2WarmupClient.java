package io.sidecarset.proxy;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.DefaultHttp2HeadersFrame;
import io.netty.handler.codec.http2.Http2ChannelDuplexHandler;
import io.netty.handler.codec.http2.Http2DataFrame;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2HeadersFrame;
import io.netty.handler.codec.http2.Http2StreamFrame;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.Promise;
import java.net.InetSocketAddress;

/**
 * Sends warm-up requests as h2c streams (prior knowledge) over one connection, a few at a time, so
 * that the proxy's HTTP/2 path is compiled before the takeover too. Used only by {@link JitWarmup}.
 */
final class H2WarmupClient {

  private static final int CONCURRENT_STREAMS = 4;

  private H2WarmupClient() {}

  /** Completes with the number of streams answered with 200. */
  static Promise<Integer> run(
      Transport transport, EventLoop loop, InetSocketAddress proxy, int requests, WarmupPace pace) {
    Promise<Integer> done = loop.newPromise();
    Streams streams = new Streams(requests, pace, done);
    new Bootstrap()
        .group(loop)
        .channelFactory(transport.socketChannels())
        .option(ChannelOption.TCP_NODELAY, true)
        .handler(
            new ChannelInitializer<Channel>() {
              @Override
              protected void initChannel(Channel ch) {
                ch.pipeline().addLast(Http2FrameCodecBuilder.forClient().build(), streams);
              }
            })
        .connect(proxy)
        .addListener(
            f -> {
              if (!f.isSuccess()) {
                done.trySuccess(0);
              }
            });
    return done;
  }

  private static final class Streams extends Http2ChannelDuplexHandler {
    private final Promise<Integer> done;
    private final WarmupPace pace;
    private int left;
    private int open;
    private int ok;

    Streams(int requests, WarmupPace pace, Promise<Integer> done) {
      this.left = requests;
      this.pace = pace;
      this.done = done;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
      for (int i = 0; i < CONCURRENT_STREAMS; i++) {
        next(ctx);
      }
      ctx.flush();
      ctx.fireChannelActive();
    }

    private void next(ChannelHandlerContext ctx) {
      if (left <= 0) {
        if (open == 0) {
          ctx.close();
          done.trySuccess(ok);
        }
        return;
      }
      left--;
      open++;
      pace.runWhenDue(
          ctx.executor(),
          () -> {
            openStream(ctx);
            ctx.flush();
          });
    }

    private void openStream(ChannelHandlerContext ctx) {
      var headers =
          new DefaultHttp2Headers()
              .method("GET")
              .path("/warmup-h2")
              .scheme("http")
              .authority("warmup");
      ctx.write(new DefaultHttp2HeadersFrame(headers, true).stream(newStream()));
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      try {
        if (msg instanceof Http2HeadersFrame h && h.headers().status() != null) {
          if ("200".contentEquals(h.headers().status())) {
            ok++;
          }
        }
        boolean end =
            (msg instanceof Http2HeadersFrame h && h.isEndStream())
                || (msg instanceof Http2DataFrame d && d.isEndStream());
        if (end && msg instanceof Http2StreamFrame) {
          open--;
          next(ctx);
          ctx.flush();
        }
      } finally {
        ReferenceCountUtil.release(msg);
      }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
      done.trySuccess(ok);
      ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      ctx.close();
    }
  }
}
