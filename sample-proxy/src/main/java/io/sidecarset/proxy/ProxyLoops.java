package io.sidecarset.proxy;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * The proxy's threads: the event loops of its {@link Transport}. They serve the client and upstream
 * connections, and one of them also accepts on the listening socket, so that a new connection
 * starts on a loop without a hand-over between threads.
 */
final class ProxyLoops {

  private final Transport transport;
  private final EventLoopGroup workers;

  private ProxyLoops(Transport transport, EventLoopGroup workers) {
    this.transport = transport;
    this.workers = workers;
  }

  static ProxyLoops start(Transport transport, int workerThreads) {
    return new ProxyLoops(
        transport,
        new MultiThreadIoEventLoopGroup(
            workerThreads, new DefaultThreadFactory("proxy-loop"), transport.ioHandlerFactory()));
  }

  Transport transport() {
    return transport;
  }

  EventLoopGroup workers() {
    return workers;
  }

  void shutdown(Duration timeout) {
    long millis = timeout.toMillis();
    workers.shutdownGracefully(0, millis, TimeUnit.MILLISECONDS).awaitUninterruptibly(millis + 100);
  }
}
