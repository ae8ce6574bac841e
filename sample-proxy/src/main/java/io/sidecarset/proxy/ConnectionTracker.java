package io.sidecarset.proxy;

import io.netty.channel.Channel;
import io.netty.util.concurrent.Ticker;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.random.RandomGenerator;

/**
 * The client connections of this process, so that a drain reaches every one of them and we know
 * when the last one is gone. A connection registered after the drain started (accepted just before
 * the listener stopped) is told at once.
 */
final class ConnectionTracker {

  /** Idle connections close in the last tenth of the drain window, spread out in it. */
  private static final double IDLE_CLOSE_START = 0.9;

  /**
   * Connections start draining at random moments in the first quarter of the drain window, at most
   * this far apart, rather than all at once: each client reconnects to the new side after its
   * connection's last response, and a drain that tells every connection in the same millisecond
   * turns that into one burst of new connections (and of the JIT work for their code paths) on
   * cores that also carry the new side's first traffic. Envoy's gradual drain and HAProxy's
   * close-spread-time spread the same way.
   */
  static final Duration MAX_START_SPREAD = Duration.ofSeconds(1);

  private static final double START_SPREAD_SHARE = 0.25;

  private final Set<Channel> open = ConcurrentHashMap.newKeySet();
  private final CompletableFuture<Void> drained = new CompletableFuture<>();
  private final RandomGenerator random;
  private final Ticker ticker;
  private volatile long drainStartNanos;
  private volatile Duration drainTimeout;

  /** {@code ticker}: the event loops' clock (tests pass the fake one their channels run on). */
  ConnectionTracker(RandomGenerator random, Ticker ticker) {
    this.random = random;
    this.ticker = ticker;
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
    long now = ticker.nanoTime();
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

  /** Tells {@code ch} to drain, at a random moment in the start spread. */
  private void tell(Channel ch) {
    long spreadNanos =
        Math.min(MAX_START_SPREAD.toNanos(), (long) (remaining().toNanos() * START_SPREAD_SHARE));
    long delayNanos = (long) (spreadNanos * nextFraction());
    double idleFraction = nextFraction();
    ch.eventLoop()
        .schedule(() -> startDraining(ch, idleFraction), delayNanos, TimeUnit.NANOSECONDS);
  }

  /** A uniform draw in [0, 1); connections register from every event loop at once. */
  private synchronized double nextFraction() {
    return random.nextDouble();
  }

  /** The drain window left now, so that a drain shortened meanwhile counts. */
  private Duration remaining() {
    Duration remaining = drainTimeout.minusNanos(ticker.nanoTime() - drainStartNanos);
    return remaining.isNegative() ? Duration.ZERO : remaining;
  }

  /**
   * Fires the drain through {@code ch}; its idle close falls at {@code idleFraction} of the last
   * tenth.
   */
  private void startDraining(Channel ch, double idleFraction) {
    if (!ch.isOpen()) {
      return;
    }
    Duration remaining = remaining();
    long windowNanos = (long) (remaining.toNanos() * (1 - IDLE_CLOSE_START));
    long idleNanos =
        (long) (remaining.toNanos() * IDLE_CLOSE_START) + (long) (windowNanos * idleFraction);
    ch.pipeline().fireUserEventTriggered(new DrainStarted(Duration.ofNanos(idleNanos), remaining));
  }

  private void completeIfDrained() {
    if (drainTimeout != null && open.isEmpty()) {
      drained.complete(null);
    }
  }
}
