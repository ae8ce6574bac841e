package io.netty.channel.uring;

import io.netty.channel.socket.ServerSocketChannel;
import io.netty.channel.socket.SocketChannel;
import java.net.SocketAddress;

/**
 * Wraps a connected TCP socket that another transport accepted in an io_uring channel. Netty has no
 * public way to adopt an existing socket into io_uring (netty/netty#14111, open); this calls the
 * package-private constructor that Netty's own io_uring server channel uses for the sockets it
 * accepts. It lives in Netty's package for that reason alone, and is checked at compile time
 * against the Netty version of the build.
 *
 * <p>The proxy needs it because its listening socket must stay on epoll: it is inherited by file
 * descriptor from the predecessor, and stopping to accept must be a synchronous {@code
 * EPOLL_CTL_DEL} with no accept still in flight (an io_uring accept racing its cancellation would
 * take a connection the old side then drops).
 */
public final class IoUringSocketAdoption {

  private IoUringSocketAdoption() {}

  /**
   * An unregistered io_uring channel for the connected socket {@code fd}, which it owns from now on
   * (closing the channel closes {@code fd}).
   */
  public static SocketChannel adopt(ServerSocketChannel parent, int fd, SocketAddress remote) {
    return new IoUringSocketChannel(parent, new LinuxSocket(fd), remote);
  }
}
