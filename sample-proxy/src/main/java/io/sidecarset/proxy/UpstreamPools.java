package io.sidecarset.proxy;

import io.netty.channel.Channel;
import io.netty.channel.ChannelFactory;
import io.netty.channel.EventLoop;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.PromiseCombiner;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One {@link UpstreamPool} per event loop, so that a client connection and the upstream connections
 * serving it share a thread and never hand a buffer across threads.
 */
final class UpstreamPools {

  /** Idle connections kept per loop: enough for the concurrent requests of a busy sidecar. */
  static final int MAX_IDLE_PER_LOOP = 256;

  /**
   * Connections per loop at most; further requests wait for one to come back. An application that
   * falls behind is not helped by more connections (HAProxy's per-server {@code maxconn}).
   */
  static final int MAX_CONNECTIONS_PER_LOOP = 256;

  private final ChannelFactory<? extends Channel> channels;
  private final HostPort address;
  private final Duration timeout;
  private final Map<EventLoop, UpstreamPool> pools = new ConcurrentHashMap<>();
  private final boolean connectionPerRequest;

  UpstreamPools(ChannelFactory<? extends Channel> channels, HostPort address, Duration timeout) {
    this(channels, address, timeout, false);
  }

  /**
   * @param connectionPerRequest every request on a new connection, with {@code Connection: close}
   *     (the warm-up's stand-in for such clients)
   */
  UpstreamPools(
      ChannelFactory<? extends Channel> channels,
      HostPort address,
      Duration timeout,
      boolean connectionPerRequest) {
    this.channels = channels;
    this.address = address;
    this.timeout = timeout;
    this.connectionPerRequest = connectionPerRequest;
  }

  /** The pool of {@code loop}; use it only from that loop. */
  UpstreamPool forLoop(EventLoop loop) {
    return pools.computeIfAbsent(
        loop,
        l ->
            new UpstreamPool(
                l,
                channels,
                address,
                timeout,
                MAX_IDLE_PER_LOOP,
                MAX_CONNECTIONS_PER_LOOP,
                connectionPerRequest));
  }

  HostPort address() {
    return address;
  }

  /** Opens {@code perLoop} connections on each of {@code loops} before traffic arrives. */
  Future<Void> preconnect(List<EventLoop> loops, int perLoop, EventLoop resultLoop) {
    PromiseCombiner all = new PromiseCombiner(resultLoop);
    var done = resultLoop.<Void>newPromise();
    resultLoop.execute(
        () -> {
          for (EventLoop loop : loops) {
            var pool = forLoop(loop);
            var p = resultLoop.<Void>newPromise();
            loop.execute(() -> pool.preconnect(perLoop).addListener(f -> p.setSuccess(null)));
            all.add((Future<Void>) p);
          }
          all.finish(done);
        });
    return done;
  }

  /** Closes every pool's idle connections, each on its own loop. */
  void closeAll() {
    for (UpstreamPool pool : pools.values()) {
      if (!pool.loop().isShuttingDown()) {
        pool.loop().execute(pool::close);
      }
    }
  }
}
