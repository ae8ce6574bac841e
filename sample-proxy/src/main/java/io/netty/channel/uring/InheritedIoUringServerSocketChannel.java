package io.netty.channel.uring;

import io.netty.channel.Channel;
import io.netty.channel.socket.ServerSocketChannel;
import io.netty.channel.socket.ServerSocketChannelConfig;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;

/**
 * An io_uring server channel around a listening socket this process did not create: one inherited
 * by file descriptor from the process it takes over from. Netty's {@link
 * IoUringServerSocketChannel} only creates sockets of its own and is final (netty/netty#14111 asks
 * for adoption of existing sockets, open), so this class sits in Netty's package to reach the
 * package-private base class; it is checked at compile time against the Netty of the build.
 *
 * <p>On handover the old side stops accepting by closing this channel (the successor holds its own
 * copy of the socket): the close completes only once the accept has been cancelled and every
 * completion before the cancellation has been handled, so a connection the kernel handed to this
 * process's accept in the meantime still reaches the pipeline (and is served, drained) rather than
 * being lost.
 */
public final class InheritedIoUringServerSocketChannel extends AbstractIoUringServerChannel
    implements ServerSocketChannel {

  private final IoUringServerSocketChannelConfig config;

  /**
   * @param fd this process's own copy of a listening TCP socket, already bound and listening; the
   *     channel owns it from now on (closing the channel closes {@code fd})
   */
  public InheritedIoUringServerSocketChannel(int fd) {
    super(new LinuxSocket(fd), true);
    this.config = new IoUringServerSocketChannelConfig(this);
  }

  @Override
  public ServerSocketChannelConfig config() {
    return config;
  }

  @Override
  Channel newChildChannel(int fd, ByteBuffer acceptedAddressMemory) {
    // as IoUringServerSocketChannel does: the address is there only without multi-shot accept
    LinuxSocket socket = new LinuxSocket(fd);
    if (acceptedAddressMemory == null) {
      return new IoUringSocketChannel(this, socket);
    }
    IoUringIoHandler handler = registration().attachment();
    InetSocketAddress address =
        socket.isIpv6()
            ? SockaddrIn.getIPv6(
                acceptedAddressMemory, handler.inet6AddressArray(), handler.inet4AddressArray())
            : SockaddrIn.getIPv4(acceptedAddressMemory, handler.inet4AddressArray());
    return new IoUringSocketChannel(this, socket, address);
  }

  @Override
  public InetSocketAddress remoteAddress() {
    return (InetSocketAddress) super.remoteAddress();
  }

  @Override
  public InetSocketAddress localAddress() {
    return (InetSocketAddress) super.localAddress();
  }
}
