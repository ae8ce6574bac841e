package io.sidecarset.loadgen;

import io.netty.channel.IoHandlerFactory;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;

/**
 * The Netty transport the generator runs on: native epoll when the library loads (Linux x86_64,
 * glibc), NIO otherwise. Both report the same errors under the same {@link Outcome}s.
 *
 * @param name {@code epoll} or {@code nio}
 * @param ioHandlerFactory event-loop I/O handler
 * @param socketChannel client socket channel class
 */
record IoTransport(
    String name, IoHandlerFactory ioHandlerFactory, Class<? extends SocketChannel> socketChannel) {

  static IoTransport best() {
    if (Epoll.isAvailable()) {
      return new IoTransport("epoll", EpollIoHandler.newFactory(), EpollSocketChannel.class);
    }
    return nio();
  }

  static IoTransport nio() {
    return new IoTransport("nio", NioIoHandler.newFactory(), NioSocketChannel.class);
  }
}
