package io.sidecarset.loadgen;

/**
 * Headers the generator adds to every request, so a server under test can correlate what it saw
 * with the generator's report (e.g. count requests per kind, or find a dropped sequence number).
 */
public final class RequestHeaders {
  /** The request's sequence number in the run (0-based, decimal). */
  public static final String SEQUENCE = "x-loadgen-sequence";

  /** The request's {@link TrafficKind#label()}. */
  public static final String KIND = "x-loadgen-kind";

  private RequestHeaders() {}
}
