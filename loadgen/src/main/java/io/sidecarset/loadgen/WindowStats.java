package io.sidecarset.loadgen;

import java.time.Duration;
import java.util.Map;
import org.HdrHistogram.Histogram;

/**
 * The requests whose intended send time falls in {@code [from, to)} of a run, e.g. the time between
 * two {@link Mark}s.
 *
 * @param label what the window is (a mark label, or {@code from..to})
 * @param from start offset since the start of the run, inclusive
 * @param to end offset, exclusive
 * @param requests requests scheduled in the window ({@code sent + notSent})
 * @param ok requests with a complete 2xx response
 * @param dropped sent requests with any other outcome
 * @param notSent requests the generator could not send before their deadline
 * @param outcomes count of every outcome, including zero counts
 * @param latencyMicros latency of the OK requests in microseconds, from intended send time
 */
public record WindowStats(
    String label,
    Duration from,
    Duration to,
    long requests,
    long ok,
    long dropped,
    long notSent,
    Map<Outcome, Long> outcomes,
    Histogram latencyMicros) {

  /** Requests sent in the window. */
  public long sent() {
    return requests - notSent;
  }
}
