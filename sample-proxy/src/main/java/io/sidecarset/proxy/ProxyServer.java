package io.sidecarset.proxy;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.ChannelFactory;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.ServerChannel;
import io.netty.channel.socket.ServerSocketChannel;
import io.netty.channel.unix.UnixChannel;
import io.netty.util.AsciiString;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.Ticker;
import java.io.IOException;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.random.RandomGenerator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The proxy's Netty side: event loops, upstream pools, and the listening socket, which it either
 * binds or adopts from a predecessor, stops accepting on (without closing the shared socket), and
 * finally lets go after its connections have drained.
 */
final class ProxyServer {

  private static final Logger LOG = LoggerFactory.getLogger(ProxyServer.class);

  /** Accept queue length when this process binds (it travels with the socket on handover). */
  static final int BACKLOG = 4096;

  private static final long BIND_RETRY_MILLIS = 100;

  private final ProxyLoops loops;
  private final boolean ownsLoops;
  private final ConnectionTracker tracker;
  private final UpstreamPools upstreams;
  private final ProxyServerInitializer initializer;
  private volatile ServerSocketChannel listener;
  private volatile boolean accepting;

  ProxyServer(
      String version,
      HostPort upstream,
      Duration upstreamTimeout,
      ProxyLoops loops,
      boolean ownsLoops) {
    this.loops = loops;
    this.ownsLoops = ownsLoops;
    this.tracker = new ConnectionTracker(RandomGenerator.getDefault(), Ticker.systemTicker());
    this.upstreams =
        new UpstreamPools(loops.transport().socketChannels(), upstream, upstreamTimeout);
    ProxyConfig config =
        new ProxyConfig(
            AsciiString.cached(version), this::isServing, loop -> upstreams.forLoop(loop));
    this.initializer = new ProxyServerInitializer(config, tracker);
  }

  ProxyLoops loops() {
    return loops;
  }

  /** Opens {@code perLoop} upstream connections on every loop; waits at most {@code timeout}. */
  void preconnect(int perLoop, Duration timeout) {
    List<EventLoop> workers = new ArrayList<>();
    for (EventExecutor e : loops.workers()) {
      workers.add((EventLoop) e);
    }
    upstreams.preconnect(workers, perLoop, workers.get(0)).awaitUninterruptibly(timeout.toMillis());
  }

  private ServerBootstrap bootstrap(ChannelFactory<? extends ServerChannel> factory) {
    return new ServerBootstrap()
        .group(loops.workers())
        .channelFactory(factory)
        .option(ChannelOption.SO_BACKLOG, BACKLOG)
        .option(ChannelOption.SO_REUSEADDR, true)
        // no childOption(TCP_NODELAY): Netty's epoll and io_uring channels set it when they are
        // created, and a second setsockopt per accepted connection shows in Connection: close runs
        .childHandler(initializer);
  }

  /**
   * Binds {@code address}, retrying for {@code retryFor} while the port is still held (a process
   * that drains has not closed its copy yet). Returns the bound address.
   */
  InetSocketAddress bind(HostPort address, Duration retryFor)
      throws IOException, InterruptedException {
    long deadline = System.nanoTime() + retryFor.toNanos();
    int attempts = 0;
    while (true) {
      attempts++;
      var future =
          bootstrap(loops.transport().serverChannels()).bind(address.toSocketAddress()).await();
      if (future.isSuccess()) {
        listener = (ServerSocketChannel) future.channel();
        accepting = true;
        if (attempts > 1) {
          LOG.info("bound {} after {} attempts", address, attempts);
        }
        return listener.localAddress();
      }
      Throwable cause = future.cause();
      if (!isAddressInUse(cause) || System.nanoTime() > deadline) {
        throw new IOException("cannot bind " + address + " (" + attempts + " attempts)", cause);
      }
      if (attempts == 1) {
        LOG.info("{} in use; retrying for {}", address, DurationText.format(retryFor));
      }
      Thread.sleep(BIND_RETRY_MILLIS);
    }
  }

  private static boolean isAddressInUse(Throwable t) {
    for (; t != null; t = t.getCause()) {
      if (t instanceof BindException
          || (t.getMessage() != null && t.getMessage().contains("Address already in use"))) {
        return true;
      }
    }
    return false;
  }

  /**
   * Starts accepting on an inherited listening socket. {@code fd} must be this process's own copy
   * (a dup), already bound, listening and non-blocking.
   */
  InetSocketAddress serveOn(int fd) throws InterruptedException {
    var future = bootstrap(() -> loops.transport().inheritedListener(fd)).register().sync();
    listener = (ServerSocketChannel) future.channel();
    accepting = true;
    return listener.localAddress();
  }

  /** The listening socket's file descriptor, to pass to a successor. */
  int listenerFd() {
    return ((UnixChannel) listener).fd().intValue();
  }

  InetSocketAddress localAddress() {
    return listener.localAddress();
  }

  /**
   * Stops accepting, synchronously and with no accept left in flight ({@link
   * Transport#stopAccepting}); the successor's copy of the socket keeps listening, so no connection
   * attempt is refused.
   */
  void stopAccepting() throws InterruptedException {
    accepting = false;
    loops.transport().stopAccepting(listener).sync();
  }

  /**
   * Starts draining the client connections; completes when the last one is closed. Calling it again
   * with a shorter timeout brings the deadline forward.
   */
  CompletableFuture<Void> drain(Duration timeout) {
    return tracker.drain(timeout);
  }

  int openConnections() {
    return tracker.openConnections();
  }

  boolean isServing() {
    return accepting && !tracker.isDraining();
  }

  boolean hasListener() {
    return listener != null;
  }

  /**
   * Closes this process's copy of the listening socket, after it stopped accepting (on io_uring
   * {@link #stopAccepting()} closed it already): the successor's copy keeps the socket alive, and a
   * crashed successor's replacement can bind the port again.
   */
  void closeListener() {
    ServerSocketChannel l = listener;
    if (l == null || !l.isOpen()) {
      return;
    }
    if (l.isRegistered()) {
      l.close().awaitUninterruptibly(1, TimeUnit.SECONDS);
    } else {
      try {
        ((UnixChannel) l).fd().close();
      } catch (IOException e) {
        LOG.warn("closing the listener's fd: {}", e.toString());
      }
    }
  }

  /** Closes the upstream pools and stops the event loops (if this server owns them). */
  void shutdown(Duration timeout) {
    upstreams.closeAll();
    if (ownsLoops) {
      loops.shutdown(timeout);
    }
  }
}
