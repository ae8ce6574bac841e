package io.sidecarset.proxy;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http2.DefaultHttp2GoAwayFrame;
import io.netty.handler.codec.http2.DefaultHttp2PingFrame;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2FrameCodec;
import io.netty.handler.codec.http2.Http2PingFrame;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Drains one HTTP/2 connection with the two-phase GOAWAY of RFC 9113 §6.8: first a GOAWAY whose
 * last-stream-id is 2^31-1 (stop opening streams here, nothing is refused yet) with a PING; when
 * the PING comes back (every stream the client opened before it saw the GOAWAY has arrived), the
 * final GOAWAY with the real last stream id; the streams below it complete, then the connection
 * closes, at the latest at the drain deadline.
 *
 * <p>Without a PING answer the final GOAWAY waits until {@link DrainStarted#idleCloseAfter()}, near
 * the deadline: on a starved machine the round trip can take seconds, and a final GOAWAY sent
 * before the client's last streams arrived would refuse them (Envoy waits its whole 5 s {@code
 * drain_timeout} between the two).
 */
final class Http2DrainHandler extends ChannelInboundHandlerAdapter {

  /** Recognises our own PING among the client's. */
  static final long PING_CONTENT = 0x5344_4341_5253_4554L;

  private static final Logger LOG = LoggerFactory.getLogger(Http2DrainHandler.class);

  private final Http2FrameCodec codec;
  private boolean firstSent;
  private boolean finalSent;
  private long deadlineNanos;
  private ScheduledFuture<?> finalTimer;
  private ScheduledFuture<?> hardClose;

  Http2DrainHandler(Http2FrameCodec codec) {
    this.codec = codec;
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
    if (!(evt instanceof DrainStarted drain)) {
      ctx.fireUserEventTriggered(evt);
      return;
    }
    deadlineNanos = System.nanoTime() + drain.deadline().toNanos();
    if (hardClose != null) {
      hardClose.cancel(false);
    }
    hardClose =
        ctx.executor()
            .schedule(() -> closeNow(ctx), drain.deadline().toNanos(), TimeUnit.NANOSECONDS);
    if (firstSent) {
      return;
    }
    firstSent = true;
    ctx.write(
        new DefaultHttp2GoAwayFrame(Http2Error.NO_ERROR).setExtraStreamIds(Integer.MAX_VALUE));
    ctx.writeAndFlush(new DefaultHttp2PingFrame(PING_CONTENT));
    finalTimer =
        ctx.executor()
            .schedule(
                () -> sendFinalGoAway(ctx), drain.idleCloseAfter().toNanos(), TimeUnit.NANOSECONDS);
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (msg instanceof Http2PingFrame ping && ping.ack() && ping.content() == PING_CONTENT) {
      if (firstSent) {
        sendFinalGoAway(ctx);
      }
      return;
    }
    ctx.fireChannelRead(msg);
  }

  private void sendFinalGoAway(ChannelHandlerContext ctx) {
    if (finalSent || !ctx.channel().isActive()) {
      return;
    }
    finalSent = true;
    if (finalTimer != null) {
      finalTimer.cancel(false);
    }
    // no extra stream ids: last-stream-id = the last stream the client opened
    ctx.write(new DefaultHttp2GoAwayFrame(Http2Error.NO_ERROR));
    codec.gracefulShutdownTimeoutMillis(
        Math.max(0, TimeUnit.NANOSECONDS.toMillis(deadlineNanos - System.nanoTime())));
    // Http2ConnectionHandler.close: GOAWAY already sent, so it waits for the open streams to end
    ctx.channel().close();
  }

  private void closeNow(ChannelHandlerContext ctx) {
    codec.gracefulShutdownTimeoutMillis(0);
    ctx.channel().close();
  }

  /** The last handler of the connection: connection errors end here (the codec sent GOAWAY). */
  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    LOG.debug("h2 connection {}: {}", ctx.channel(), cause.toString());
    ctx.close();
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    if (finalTimer != null) {
      finalTimer.cancel(false);
    }
    if (hardClose != null) {
      hardClose.cancel(false);
    }
    ctx.fireChannelInactive();
  }
}
