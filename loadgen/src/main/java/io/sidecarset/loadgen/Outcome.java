package io.sidecarset.loadgen;

/**
 * What became of one request that the generator sent. Every sent request has exactly one outcome;
 * only {@link #OK} is a success, every other outcome is a dropped request.
 *
 * <p>Requests the generator itself failed to send in time are not an outcome: they are counted
 * separately as {@link LoadReport#notSent()}.
 */
public enum Outcome {
  /** A complete response (headers and the whole body) with a 2xx status. */
  OK("ok"),
  /** A complete response with a status outside 2xx. */
  NON_2XX("non_2xx"),
  /** The TCP connection attempt was refused (nobody listening, or the accept queue overflowed). */
  CONNECT_REFUSED("connect_refused"),
  /** The connection was reset (ECONNRESET, EPIPE) or the HTTP/2 stream got RST_STREAM. */
  RESET("reset"),
  /** The connection was closed cleanly (FIN) before the response was complete. */
  EOF("eof"),
  /** No complete response within the request timeout, counted from the intended send time. */
  TIMEOUT("timeout"),
  /**
   * An HTTP/2 stream was sent, and then the server's GOAWAY named a last-stream-id below it: the
   * server declares it never processed the request. A client that retried it elsewhere would hide
   * this; the generator never retries, so it is a drop.
   */
  GOAWAY_REFUSED("goaway_refused"),
  /** Anything else (protocol error, malformed response, local failure); see the message samples. */
  OTHER("other");

  private final String label;

  Outcome(String label) {
    this.label = label;
  }

  /** The snake_case name used in JSON reports and summaries. */
  public String label() {
    return label;
  }

  /** True for every outcome except {@link #OK}. */
  public boolean isDrop() {
    return this != OK;
  }
}
