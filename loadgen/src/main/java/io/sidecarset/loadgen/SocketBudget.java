package io.sidecarset.loadgen;

import java.lang.management.ManagementFactory;
import java.lang.management.OperatingSystemMXBean;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Caps the sockets a run opens for connection-close requests below the process's file-descriptor
 * limit. Against a slow server at thousands of new connections per second the open sockets pile up;
 * running into EMFILE would break the JVM itself (class loading, logging), so past the cap a
 * request is reported as not sent (the generator's own limit) instead.
 */
final class SocketBudget {
  /** Descriptors left for everything else: pools, h2c, the JVM's own files. */
  static final int HEADROOM = 2048;

  private final int limit;
  private final AtomicInteger open = new AtomicInteger();

  SocketBudget(int limit) {
    this.limit = limit;
  }

  /** A budget from this process's descriptor limit, or unlimited where it cannot be read. */
  static SocketBudget forThisProcess() {
    OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
    if (os instanceof com.sun.management.UnixOperatingSystemMXBean unix) {
      long max = unix.getMaxFileDescriptorCount();
      return new SocketBudget((int) Math.max(64, Math.min(Integer.MAX_VALUE, max - HEADROOM)));
    }
    return new SocketBudget(Integer.MAX_VALUE);
  }

  int limit() {
    return limit;
  }

  /**
   * Takes one socket from the budget; returns its idempotent release, or null when the budget is
   * spent.
   */
  Runnable tryAcquire() {
    if (open.incrementAndGet() > limit) {
      open.decrementAndGet();
      return null;
    }
    AtomicBoolean released = new AtomicBoolean();
    return () -> {
      if (released.compareAndSet(false, true)) {
        open.decrementAndGet();
      }
    };
  }
}
