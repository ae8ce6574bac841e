package io.sidecarset.proxy;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.util.ReferenceCountUtil;

/**
 * One HTTP/2 stream, seen as an HTTP/1.1 exchange (after {@code Http2StreamFrameToHttpObjectCodec}
 * and aggregation): forwards the request and writes the response, which ends the stream. Draining
 * is the connection's business ({@link Http2DrainHandler}).
 */
final class Http2StreamProxyHandler extends ChannelInboundHandlerAdapter {

  private final ProxyConfig config;

  Http2StreamProxyHandler(ProxyConfig config) {
    this.config = config;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (!(msg instanceof FullHttpRequest request)) {
      ReferenceCountUtil.release(msg);
      return;
    }
    Upstream upstream = config.upstreams().apply(ctx.channel().eventLoop());
    if (ReadinessCheck.isReadinessRequest(request)) {
      ReadinessCheck.answer(request, config, upstream, r -> respond(ctx, r));
    } else {
      upstream.send(request, r -> respond(ctx, r));
    }
  }

  private void respond(ChannelHandlerContext ctx, FullHttpResponse response) {
    if (!ctx.channel().isActive()) {
      response.release(); // the client reset the stream
      return;
    }
    HopByHopHeaders.strip(response.headers());
    response.headers().set(SampleProxyHeaders.VERSION, config.version());
    ctx.writeAndFlush(response, ctx.voidPromise());
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    ctx.close();
  }
}
