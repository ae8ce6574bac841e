package io.sidecarset.loadgen;

import java.time.Duration;

/**
 * One of the slowest OK requests of a run: when it was meant to go out, what kind it was, and how
 * long it took. Several of them finishing at the same moment point at one stall of whatever all of
 * their kinds pass through; spread-out ones point at a queue.
 *
 * @param sequence the request's number in the schedule
 * @param kind the traffic kind the mix gave it
 * @param intendedOffset intended send time, from the start of the run
 * @param latency intended send time to complete response
 */
public record SlowRequest(
    long sequence, TrafficKind kind, Duration intendedOffset, Duration latency) {

  /** When its response was complete, from the start of the run. */
  public Duration finishedOffset() {
    return intendedOffset.plus(latency);
  }
}
