package io.sidecarset.proxy;

import io.netty.channel.Channel;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.random.RandomGenerator;

/**
 * The client connections of this process, so that a drain reaches every one of them and we know
 * when the last one is gone. A connection registered after the drain started (accepted just before
 * the listener stopped) is told at once.
 */
final class ConnectionTracker {

  /** Idle connections close in the last tenth of the drain window, spread out in it. */
  private static final double IDLE_CLOSE_START = 0.9;

  private final Set<Channel> open = ConcurrentHashMap.newKeySet();
  private final CompletableFuture<Void> drained = new CompletableFuture<>();
  private final RandomGenerator random;
  private volatile long drainStartNanos;
  private volatile Duration drainTimeout;

  ConnectionTracker(RandomGenerator random) {
    this.random = random;
  }

  /** Called from the connection's initializer; removes it again when it closes. */
  void register(Channel ch) {
    open.add(ch);
    ch.closeFuture()
        .addListener(
            f -> {
              open.remove(ch);
              completeIfDrained();
            });
    if (drainTimeout != null) {
      tell(ch);
    }
  }

  /**
   * Starts the drain (or shortens one in progress to {@code timeout} from now) and returns a future
   * completed when no connection is left.
   */
  synchronized CompletableFuture<Void> drain(Duration timeout) {
    long now = System.nanoTime();
    if (drainTimeout != null) {
      Duration remaining = drainTimeout.minusNanos(now - drainStartNanos);
      if (remaining.compareTo(timeout) <= 0) {
        return drained;
      }
    }
    drainStartNanos = now;
    drainTimeout = timeout;
    for (Channel ch : open) {
      tell(ch);
    }
    completeIfDrained();
    return drained;
  }

  boolean isDraining() {
    return drainTimeout != null;
  }

  int openConnections() {
    return open.size();
  }

  private void tell(Channel ch) {
    Duration remaining = drainTimeout.minusNanos(System.nanoTime() - drainStartNanos);
    if (remaining.isNegative()) {
      remaining = Duration.ZERO;
    }
    long windowNanos = (long) (remaining.toNanos() * (1 - IDLE_CLOSE_START));
    long idleNanos =
        (long) (remaining.toNanos() * IDLE_CLOSE_START)
            + (windowNanos > 0 ? random.nextLong(windowNanos) : 0);
    ch.pipeline().fireUserEventTriggered(new DrainStarted(Duration.ofNanos(idleNanos), remaining));
  }

  private void completeIfDrained() {
    if (drainTimeout != null && open.isEmpty()) {
      drained.complete(null);
    }
  }
}
