package io.sidecarset.proxy;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.timeout.IdleStateEvent;

/**
 * The last handler of one pooled connection to the application: matches each response to the
 * exchange that sent the request, and returns the connection to its pool when it may be reused.
 */
final class UpstreamConnection extends SimpleChannelInboundHandler<FullHttpResponse> {

  private final UpstreamPool pool;
  private Channel channel;
  private UpstreamPool.Exchange exchange;

  UpstreamConnection(UpstreamPool pool) {
    super(false);
    this.pool = pool;
  }

  Channel channel() {
    return channel;
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    channel = ctx.channel();
  }

  void start(UpstreamPool.Exchange ex, boolean reused) {
    exchange = ex;
    ex.writeTo(channel, reused);
  }

  @Override
  protected void channelRead0(ChannelHandlerContext ctx, FullHttpResponse response) {
    UpstreamPool.Exchange ex = exchange;
    exchange = null;
    if (ex == null) {
      // an answer nobody asked for: the connection is out of step, drop it
      response.release();
      ctx.close();
      return;
    }
    if (!response.decoderResult().isSuccess()) {
      response.release();
      ctx.close();
      ex.connectionLost("bad response from upstream: " + response.decoderResult().cause());
      return;
    }
    if (HttpUtil.isKeepAlive(response)) {
      pool.release(this);
    } else {
      ctx.close();
    }
    ex.complete(response);
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    UpstreamPool.Exchange ex = exchange;
    exchange = null;
    if (ex != null) {
      ex.connectionLost("upstream closed the connection before answering");
    } else {
      pool.forget(this);
    }
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
    if (evt instanceof IdleStateEvent) {
      UpstreamPool.Exchange ex = exchange;
      exchange = null;
      ctx.close();
      if (ex != null) {
        ex.timedOut();
      }
      return;
    }
    ctx.fireUserEventTriggered(evt);
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    // channelInactive follows and reports the lost exchange
    ctx.close();
  }
}
