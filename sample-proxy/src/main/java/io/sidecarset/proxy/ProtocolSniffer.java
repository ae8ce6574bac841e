package io.sidecarset.proxy;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.util.concurrent.ScheduledFuture;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The first handler of every client connection: HTTP/2 with prior knowledge starts with the
 * connection preface {@code PRI * HTTP/2.0...}; anything else is HTTP/1.x. It installs the matching
 * pipeline and steps aside, passing on the bytes read so far (and a drain that started meanwhile).
 */
final class ProtocolSniffer extends ByteToMessageDecoder {

  static final byte[] H2_PREFACE =
      "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.US_ASCII);

  private final ProxyServerInitializer pipelines;
  private DrainStarted drain;
  private ScheduledFuture<?> idleClose;

  ProtocolSniffer(ProxyServerInitializer pipelines) {
    this.pipelines = pipelines;
  }

  @Override
  protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
    int n = Math.min(in.readableBytes(), H2_PREFACE.length);
    boolean h2 = true;
    for (int i = 0; i < n; i++) {
      if (in.getByte(in.readerIndex() + i) != H2_PREFACE[i]) {
        h2 = false;
        break;
      }
    }
    if (h2 && n < H2_PREFACE.length) {
      return; // a prefix of the preface so far: wait for more
    }
    if (idleClose != null) {
      idleClose.cancel(false);
    }
    if (h2) {
      pipelines.configureHttp2(ctx.pipeline());
    } else {
      pipelines.configureHttp1(ctx.pipeline());
    }
    ctx.pipeline().remove(this);
    if (drain != null) {
      ctx.pipeline().fireUserEventTriggered(drain);
    }
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
    if (evt instanceof DrainStarted d) {
      // nothing received yet: an idle connection, closed like the other idle ones
      drain = d;
      if (idleClose != null) {
        idleClose.cancel(false);
      }
      idleClose =
          ctx.executor()
              .schedule(() -> ctx.close(), d.idleCloseAfter().toNanos(), TimeUnit.NANOSECONDS);
      return;
    }
    super.userEventTriggered(ctx, evt);
  }

  @Override
  protected void handlerRemoved0(ChannelHandlerContext ctx) {
    if (idleClose != null) {
      idleClose.cancel(false);
    }
  }
}
