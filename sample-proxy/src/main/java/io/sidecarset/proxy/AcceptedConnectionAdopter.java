package io.sidecarset.proxy;

import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.socket.ServerSocketChannel;
import io.netty.channel.uring.IoUringSocketAdoption;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sits in the epoll listener's pipeline, ahead of the bootstrap's acceptor: each connection the
 * listener accepted (a not yet registered epoll channel) continues as an io_uring channel around
 * the same socket, which the acceptor then registers with the io_uring worker loops.
 *
 * <p>Why the listener stays on epoll: it is inherited by file descriptor, and on handover the old
 * side must stop accepting at once and for certain; an epoll listener does that with one
 * synchronous {@code EPOLL_CTL_DEL} and never has an accept in flight.
 */
@ChannelHandler.Sharable
final class AcceptedConnectionAdopter extends ChannelInboundHandlerAdapter {

  private static final Logger LOG = LoggerFactory.getLogger(AcceptedConnectionAdopter.class);

  static final AcceptedConnectionAdopter INSTANCE = new AcceptedConnectionAdopter();

  private AcceptedConnectionAdopter() {}

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (!(msg instanceof EpollSocketChannel accepted)) {
      ctx.fireChannelRead(msg);
      return;
    }
    try {
      ctx.fireChannelRead(
          IoUringSocketAdoption.adopt(
              (ServerSocketChannel) ctx.channel(),
              accepted.fd().intValue(),
              accepted.remoteAddress()));
    } catch (RuntimeException | LinkageError e) {
      // cannot happen with the Netty this was built against; never leak the client's socket
      LOG.error("cannot move an accepted connection to io_uring; closing it", e);
      accepted.unsafe().closeForcibly();
    }
  }
}
