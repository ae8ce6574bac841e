package io.sidecarset.loadgen;

/**
 * One slot per scheduled request, indexed by sequence number, holding its outcome and latency. The
 * sequence number determines the intended send time and the traffic kind, so five bytes per request
 * are all a report needs to answer any question about any time window exactly.
 *
 * <p>Each slot is written once, by whichever thread finished that request; readers only read after
 * the run has completed (the completion hand-off orders the writes before the reads).
 */
final class RequestLog {
  /** Slot value of a request that has no result (yet). */
  static final byte UNSET = 0;

  /** Slot value of a request the generator could not send before its deadline. */
  static final byte NOT_SENT = 127;

  /** The most requests one run can hold (about 500 MB of slots). */
  static final long MAX_REQUESTS = 100_000_000L;

  private final byte[] results;
  private final int[] latencyMicros;

  RequestLog(long capacity) {
    if (capacity > MAX_REQUESTS) {
      throw new IllegalArgumentException(
          "a run may schedule at most " + MAX_REQUESTS + " requests, this one plans " + capacity);
    }
    results = new byte[(int) capacity];
    latencyMicros = new int[(int) capacity];
  }

  int capacity() {
    return results.length;
  }

  void record(long sequence, Outcome outcome, long latencyNanos) {
    int index = (int) sequence;
    latencyMicros[index] = (int) Math.min(Integer.MAX_VALUE, Math.max(1, latencyNanos / 1000));
    results[index] = (byte) (outcome.ordinal() + 1);
  }

  void recordNotSent(long sequence) {
    results[(int) sequence] = NOT_SENT;
  }

  /** The raw slot value: {@link #UNSET}, {@link #NOT_SENT} or {@code outcome.ordinal() + 1}. */
  byte result(long sequence) {
    return results[(int) sequence];
  }

  /**
   * The outcome of a sent request; only valid when {@link #result} is neither UNSET nor NOT_SENT.
   */
  static Outcome outcomeOf(byte result) {
    return Outcome.values()[result - 1];
  }

  /** Microseconds from the intended send time to the outcome, at least 1. */
  int latencyMicros(long sequence) {
    return latencyMicros[(int) sequence];
  }
}
