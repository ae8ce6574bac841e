package io.sidecarset.loadgen;

import java.util.Arrays;
import java.util.Locale;

/**
 * The three ways a request can reach the server. Each exercises a different part of a proxy's
 * drain: reused HTTP/1.1 connections must see {@code Connection: close} before they are closed, new
 * connections must never be refused, and HTTP/2 streams must be covered by a graceful GOAWAY.
 */
public enum TrafficKind {
  /**
   * HTTP/1.1 over a fixed pool of long-lived keep-alive connections, one request at a time each.
   */
  KEEP_ALIVE("keepalive"),
  /** HTTP/1.1 with a new TCP connection per request, sent with {@code Connection: close}. */
  CONNECTION_CLOSE("close"),
  /** HTTP/2 cleartext with prior knowledge: one stream per request over a few connections. */
  H2C("h2");

  private final String label;

  TrafficKind(String label) {
    this.label = label;
  }

  /** The short name used on the command line and in JSON reports ({@code keepalive|close|h2}). */
  public String label() {
    return label;
  }

  /**
   * The kind with the given {@link #label()}, case-insensitive.
   *
   * @throws IllegalArgumentException naming the accepted labels when none matches
   */
  public static TrafficKind ofLabel(String label) {
    String wanted = label.trim().toLowerCase(Locale.ROOT);
    for (TrafficKind kind : values()) {
      if (kind.label.equals(wanted)) {
        return kind;
      }
    }
    throw new IllegalArgumentException(
        "unknown traffic kind '"
            + label
            + "', expected one of "
            + Arrays.stream(values()).map(TrafficKind::label).toList());
  }
}
