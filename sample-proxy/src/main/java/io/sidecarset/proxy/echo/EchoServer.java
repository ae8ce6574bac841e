package io.sidecarset.proxy.echo;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.sidecarset.proxy.HostPort;
import io.sidecarset.proxy.Transport;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;

/**
 * The demo application behind the proxy (image {@code sidecarset/demo-app}); also the in-process
 * upstream of the proxy's JIT warm-up.
 */
public final class EchoServer implements AutoCloseable {

  private final EventLoopGroup group;
  private final boolean ownsGroup;
  private final Channel channel;

  private EchoServer(EventLoopGroup group, boolean ownsGroup, Channel channel) {
    this.group = group;
    this.ownsGroup = ownsGroup;
    this.channel = channel;
  }

  /**
   * Binds {@code listen} on {@code group} (loops of {@code transport}), or on a group of its own
   * when {@code group} is null.
   */
  public static EchoServer start(
      HostPort listen, Transport transport, EventLoopGroup group, int workers)
      throws InterruptedException {
    boolean owns = group == null;
    EventLoopGroup g =
        owns
            ? new MultiThreadIoEventLoopGroup(
                workers, new DefaultThreadFactory("echo-loop"), transport.ioHandlerFactory())
            : group;
    try {
      Channel ch =
          new ServerBootstrap()
              .group(g)
              .channelFactory(transport.serverChannels())
              .option(ChannelOption.SO_BACKLOG, 4096)
              .option(ChannelOption.SO_REUSEADDR, true)
              .childOption(ChannelOption.TCP_NODELAY, true)
              .childHandler(new EchoServerInitializer())
              .bind(listen.toSocketAddress())
              .sync()
              .channel();
      return new EchoServer(g, owns, ch);
    } catch (RuntimeException | InterruptedException e) {
      if (owns) {
        g.shutdownGracefully(0, 0, TimeUnit.MILLISECONDS);
      }
      throw e;
    }
  }

  public InetSocketAddress localAddress() {
    return (InetSocketAddress) channel.localAddress();
  }

  public Channel channel() {
    return channel;
  }

  @Override
  public void close() {
    channel.close().awaitUninterruptibly(1, TimeUnit.SECONDS);
    if (ownsGroup) {
      group
          .shutdownGracefully(0, 500, TimeUnit.MILLISECONDS)
          .awaitUninterruptibly(1, TimeUnit.SECONDS);
    }
  }
}
