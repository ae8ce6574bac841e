package io.sidecarset.proxy;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * The proxy's threads: the worker loops of its {@link Transport}, which serve the client and
 * upstream connections, and the epoll loop that owns the listening socket. With the epoll transport
 * the listener shares the worker loops; with io_uring it has a loop of its own, which only accepts.
 */
final class ProxyLoops {

  private final Transport transport;
  private final EventLoopGroup workers;
  private final EventLoopGroup listener;

  private ProxyLoops(Transport transport, EventLoopGroup workers, EventLoopGroup listener) {
    this.transport = transport;
    this.workers = workers;
    this.listener = listener;
  }

  static ProxyLoops start(Transport transport, int workerThreads) {
    EventLoopGroup workers =
        new MultiThreadIoEventLoopGroup(
            workerThreads, new DefaultThreadFactory("proxy-loop"), transport.ioHandlerFactory());
    EventLoopGroup listener =
        transport.adoptsAcceptedConnections()
            ? new MultiThreadIoEventLoopGroup(
                1, new DefaultThreadFactory("proxy-accept"), EpollIoHandler.newFactory())
            : workers;
    return new ProxyLoops(transport, workers, listener);
  }

  Transport transport() {
    return transport;
  }

  EventLoopGroup workers() {
    return workers;
  }

  /** Where the (epoll) listening socket is registered. */
  EventLoopGroup listener() {
    return listener;
  }

  void shutdown(Duration timeout) {
    long millis = timeout.toMillis();
    if (listener != workers) {
      listener.shutdownGracefully(0, millis, TimeUnit.MILLISECONDS);
    }
    workers.shutdownGracefully(0, millis, TimeUnit.MILLISECONDS).awaitUninterruptibly(millis + 100);
  }
}
