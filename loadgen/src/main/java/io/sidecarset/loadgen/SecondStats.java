package io.sidecarset.loadgen;

import java.util.Map;

/**
 * What happened to the requests whose intended send time fell in one second of the run. Requests
 * are attributed to the second they were meant to be sent in, not the second they finished, so a
 * stall shows as high latency (or drops) of the seconds during which it happened.
 *
 * @param second seconds since the start of the run (0-based)
 * @param sent requests sent (all outcomes)
 * @param ok requests with a complete 2xx response
 * @param dropped sent requests with any other outcome
 * @param notSent requests the generator could not send before their deadline
 * @param drops counts of each non-OK outcome that occurred in this second (zero counts left out)
 * @param p50Micros median latency of the OK requests, 0 if none
 * @param p99Micros 99th percentile latency of the OK requests, 0 if none
 * @param maxMicros highest latency of the OK requests, 0 if none
 */
public record SecondStats(
    long second,
    long sent,
    long ok,
    long dropped,
    long notSent,
    Map<Outcome, Long> drops,
    long p50Micros,
    long p99Micros,
    long maxMicros) {}
