package io.sidecarset.proxy;

import io.netty.util.concurrent.EventExecutor;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * Spaces the warm-up's requests evenly at a set rate, across all of its chains and event loops. A
 * successor warms up on the cores its predecessor is serving on: unpaced, the rehearsal runs as
 * fast as two event loops and the JIT can go, and every request the predecessor serves meanwhile
 * waits for a core. Paced, the same work takes longer at a fraction of the intensity.
 */
final class WarmupPace {

  private final long intervalNanos;
  private final LongSupplier nanoTime;
  private final AtomicLong nextSlot;

  /** {@code perSecond} 0 means unpaced: every request may go at once. */
  WarmupPace(int perSecond) {
    this(perSecond, System::nanoTime);
  }

  WarmupPace(int perSecond, LongSupplier nanoTime) {
    if (perSecond < 0) {
      throw new IllegalArgumentException("a warm-up rate is at least 0, got " + perSecond);
    }
    this.intervalNanos = perSecond == 0 ? 0 : 1_000_000_000L / perSecond;
    this.nanoTime = nanoTime;
    this.nextSlot = new AtomicLong(nanoTime.getAsLong());
  }

  /** How long {@code requests} take at this pace at the least (zero when unpaced). */
  Duration duration(int requests) {
    return Duration.ofNanos(intervalNanos * requests);
  }

  /**
   * Claims the next send slot and returns how long to wait for it, 0 when it is due. A rehearsal
   * that fell behind (its cores were busy) goes on from now rather than catching up in a burst.
   */
  long claimDelayNanos() {
    if (intervalNanos == 0) {
      return 0;
    }
    long now = nanoTime.getAsLong();
    long slot = nextSlot.getAndUpdate(next -> Math.max(next, now) + intervalNanos);
    return Math.max(slot, now) - now;
  }

  /** Runs {@code task} at its paced slot: now when due, else scheduled on {@code executor}. */
  void runWhenDue(EventExecutor executor, Runnable task) {
    long delay = claimDelayNanos();
    if (delay > 0) {
      executor.schedule(task, delay, TimeUnit.NANOSECONDS);
    } else {
      task.run();
    }
  }
}
