package io.sidecarset.proxy.echo;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelInitializer;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;

/** The demo app's pipeline: HTTP/1.1 codec, aggregation, {@link EchoServerHandler}. */
@ChannelHandler.Sharable
public final class EchoServerInitializer extends ChannelInitializer<Channel> {

  static final int MAX_CONTENT = 1024 * 1024;

  private final EchoServerHandler handler = new EchoServerHandler();

  @Override
  protected void initChannel(Channel ch) {
    ch.pipeline().addLast(new HttpServerCodec(), new HttpObjectAggregator(MAX_CONTENT), handler);
  }
}
