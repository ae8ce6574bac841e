package io.sidecarset.proxy;

import io.netty.channel.ChannelFactory;
import io.netty.channel.ChannelFuture;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.socket.ServerSocketChannel;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.uring.InheritedIoUringServerSocketChannel;
import io.netty.channel.uring.IoUring;
import io.netty.channel.uring.IoUringIoHandler;
import io.netty.channel.uring.IoUringServerSocketChannel;
import io.netty.channel.uring.IoUringSocketChannel;
import java.util.Locale;
import java.util.Optional;

/**
 * The I/O transport of the proxy's sockets, the listening one included. io_uring spends about a
 * third less kernel time per request than epoll with the same work (docs/benchmarks/proxy.md), but
 * a kernel or a seccomp profile may refuse it (Docker 25+ and some managed nodes do), so {@code
 * auto} falls back to epoll.
 */
public enum Transport {
  IO_URING,
  EPOLL;

  /** The flag's value that lets {@link #resolve} choose. */
  public static final String AUTO = "auto";

  /**
   * Parses {@code --transport}: {@code auto} (empty), {@code io_uring} or {@code epoll}. Pure: it
   * does not look at the machine.
   */
  public static Optional<Transport> parse(String text) throws UsageException {
    return switch (text.toLowerCase(Locale.ROOT)) {
      case AUTO -> Optional.empty();
      case "epoll" -> Optional.of(EPOLL);
      case "io_uring", "io-uring", "iouring" -> Optional.of(IO_URING);
      default ->
          throw new UsageException(
              "--transport: '" + text + "' is not one of auto, io_uring, epoll");
    };
  }

  /**
   * The requested transport, or with none requested the best one this machine allows.
   *
   * @throws IllegalStateException when the machine does not allow what was requested
   */
  public static Transport resolve(Optional<Transport> requested) {
    Transport chosen = requested.orElseGet(() -> IoUring.isAvailable() ? IO_URING : EPOLL);
    if (chosen == IO_URING && !IoUring.isAvailable()) {
      throw new IllegalStateException(
          "--transport io_uring: not available here ("
              + IoUring.unavailabilityCause()
              + "); use --transport epoll or auto");
    }
    if (chosen == EPOLL) {
      Epoll.ensureAvailability();
    }
    return chosen;
  }

  /** Why {@link #resolve} chose epoll when asked to choose, or empty when io_uring works. */
  static Optional<String> ioUringUnavailability() {
    return IoUring.isAvailable()
        ? Optional.empty()
        : Optional.of(String.valueOf(IoUring.unavailabilityCause()));
  }

  public IoHandlerFactory ioHandlerFactory() {
    return this == IO_URING ? IoUringIoHandler.newFactory() : EpollIoHandler.newFactory();
  }

  ChannelFactory<? extends SocketChannel> socketChannels() {
    return this == IO_URING ? IoUringSocketChannel::new : EpollSocketChannel::new;
  }

  /** For a server that binds a fresh socket of its own (a first start, the demo app). */
  public ChannelFactory<? extends ServerSocketChannel> serverChannels() {
    return this == IO_URING ? IoUringServerSocketChannel::new : EpollServerSocketChannel::new;
  }

  /**
   * A server channel around an inherited listening socket: {@code fd} is this process's own copy,
   * bound and listening.
   */
  ServerSocketChannel inheritedListener(int fd) {
    return this == IO_URING
        ? new InheritedIoUringServerSocketChannel(fd)
        : new EpollServerSocketChannel(fd);
  }

  /**
   * Makes a listener of this transport stop accepting; the future completes when no accept is in
   * flight any more. The socket itself stays open in every process that holds a copy of it.
   *
   * <ul>
   *   <li>epoll: deregisters the listener ({@code EPOLL_CTL_DEL}); this process's copy stays open.
   *   <li>io_uring: closes this process's copy. Deregistering is not enough there: Netty re-arms an
   *       accept that was cancelled while the channel is open, and the deregistration can then wait
   *       for a completion that never comes (seen in the warm-up's rehearsal). The close completes
   *       only after the cancelled accept's last completion was handled, so a connection the kernel
   *       gave this process just before is in the pipeline and will be served.
   * </ul>
   */
  ChannelFuture stopAccepting(ServerSocketChannel listener) {
    return this == IO_URING ? listener.close() : listener.deregister();
  }

  @Override
  public String toString() {
    return name().toLowerCase(Locale.ROOT);
  }
}
