package io.sidecarset.proxy.echo;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.sidecarset.api.SampleProxyContract;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Answers every request with 200 and the body {@code <METHOD> <URI>\n}; {@code ?delay=MS} waits
 * that long first (up to {@link #MAX_DELAY_MILLIS}), for slow-request tests.
 */
@ChannelHandler.Sharable
public final class EchoServerHandler extends SimpleChannelInboundHandler<FullHttpRequest> {

  static final long MAX_DELAY_MILLIS = 60_000;

  @Override
  protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
    boolean keepAlive = HttpUtil.isKeepAlive(request);
    String uri = request.uri();
    ByteBuf body = ctx.alloc().buffer(request.method().name().length() + uri.length() + 2);
    ByteBufUtil.writeAscii(body, request.method().name());
    body.writeByte(' ');
    ByteBufUtil.writeUtf8(body, uri);
    body.writeByte('\n');
    FullHttpResponse response =
        new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK, body);
    response
        .headers()
        .set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.TEXT_PLAIN)
        .setInt(HttpHeaderNames.CONTENT_LENGTH, body.readableBytes());
    if (!keepAlive) {
      response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
    } else if (request.protocolVersion() == HttpVersion.HTTP_1_0) {
      response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
    }
    long delay = delayMillis(uri);
    if (delay > 0) {
      ctx.executor().schedule(() -> write(ctx, response, keepAlive), delay, TimeUnit.MILLISECONDS);
    } else {
      write(ctx, response, keepAlive);
    }
  }

  private static void write(
      ChannelHandlerContext ctx, FullHttpResponse response, boolean keepAlive) {
    if (!ctx.channel().isActive()) {
      response.release();
      return;
    }
    if (keepAlive) {
      ctx.writeAndFlush(response, ctx.voidPromise());
    } else {
      ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
    }
  }

  static long delayMillis(String uri) {
    if (uri.indexOf('?') < 0) {
      return 0;
    }
    List<String> values =
        new QueryStringDecoder(uri).parameters().get(SampleProxyContract.ECHO_DELAY_PARAM);
    if (values == null || values.isEmpty()) {
      return 0;
    }
    try {
      return Math.min(MAX_DELAY_MILLIS, Math.max(0, Long.parseLong(values.get(0))));
    } catch (NumberFormatException e) {
      return 0;
    }
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    ctx.close();
  }
}
