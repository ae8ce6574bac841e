package io.sidecarset.loadgen;

/**
 * A failure message seen during a run and how many requests failed with it.
 *
 * @param message exception class and message, or a protocol description such as {@code HTTP 503}
 * @param count number of requests that ended with this message
 */
public record MessageSample(String message, long count) {}
