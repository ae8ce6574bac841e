package io.sidecarset.loadgen;

import java.time.Duration;

/**
 * When each request of a run is meant to be sent. Request {@code i} is due {@code i / rate} seconds
 * after the start, whatever happened to the requests before it: that is what makes the load open
 * loop, and why latency is measured from this intended time (a server stall then shows as latency
 * of every request scheduled during it, instead of silently lowering the send rate).
 *
 * @param ratePerSecond requests per second, {@code > 0}
 * @param duration how long requests are scheduled for, {@code > 0}
 */
record OpenLoopSchedule(double ratePerSecond, Duration duration) {

  OpenLoopSchedule {
    if (!(ratePerSecond > 0) || Double.isInfinite(ratePerSecond)) {
      throw new IllegalArgumentException("rate must be > 0 per second, got " + ratePerSecond);
    }
    if (duration.isNegative() || duration.isZero()) {
      throw new IllegalArgumentException("duration must be > 0, got " + duration);
    }
  }

  /**
   * Nanoseconds from the start of the run to the intended send time of request {@code sequence}.
   */
  long intendedOffsetNanos(long sequence) {
    return (long) Math.ceil(sequence * 1e9 / ratePerSecond);
  }

  /** Number of requests whose intended send time falls inside {@code [0, duration)}. */
  long totalRequests() {
    return firstSequenceAtOrAfter(duration.toNanos());
  }

  /** The smallest sequence number whose intended offset is {@code >= offsetNanos}. */
  long firstSequenceAtOrAfter(long offsetNanos) {
    if (offsetNanos <= 0) {
      return 0;
    }
    long guess = (long) Math.ceil(offsetNanos * ratePerSecond / 1e9);
    // correct the floating-point guess by at most a step or two in either direction
    while (guess > 0 && intendedOffsetNanos(guess - 1) >= offsetNanos) {
      guess--;
    }
    while (intendedOffsetNanos(guess) < offsetNanos) {
      guess++;
    }
    return guess;
  }
}
