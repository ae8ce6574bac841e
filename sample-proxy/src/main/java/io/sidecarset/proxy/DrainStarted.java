package io.sidecarset.proxy;

import java.time.Duration;

/**
 * User event fired through every client connection's pipeline when this process has handed its
 * listener over (or is shutting down) and must let its connections go without losing a request.
 *
 * @param idleCloseAfter when a connection with no request in flight may be closed. Near the
 *     deadline, never at once: a request may be on the wire toward an idle connection, and closing
 *     it would lose that request. Connections that carry traffic close earlier, right after a
 *     response that says {@code Connection: close} (HTTP/1.1) or after the final GOAWAY (HTTP/2).
 * @param deadline when every connection is closed, in flight or not
 */
public record DrainStarted(Duration idleCloseAfter, Duration deadline) {

  public DrainStarted {
    if (idleCloseAfter.compareTo(deadline) > 0) {
      throw new IllegalArgumentException("idleCloseAfter after the deadline");
    }
  }
}
