package io.sidecarset.loadgen;

import io.netty.channel.ChannelException;
import io.netty.channel.ConnectTimeoutException;
import io.netty.handler.codec.PrematureChannelClosureException;
import java.net.ConnectException;
import java.nio.channels.ClosedChannelException;
import java.util.Locale;

/**
 * Maps what the transport observed to an {@link Outcome}. Pure: no I/O, so the mapping of every
 * error Netty (epoll or NIO) and the JDK raise is pinned by tests.
 */
final class OutcomeClassifier {

  private OutcomeClassifier() {}

  /** The outcome of a complete response with this status code. */
  static Outcome ofStatus(int statusCode) {
    return statusCode >= 200 && statusCode <= 299 ? Outcome.OK : Outcome.NON_2XX;
  }

  /**
   * The outcome of a request that failed with {@code failure} (the first recognisable cause in the
   * chain wins).
   */
  static Outcome ofFailure(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
      Outcome outcome = ofSingle(t);
      if (outcome != Outcome.OTHER) {
        return outcome;
      }
    }
    return Outcome.OTHER;
  }

  private static Outcome ofSingle(Throwable t) {
    String message = t.getMessage() == null ? "" : t.getMessage().toLowerCase(Locale.ROOT);
    if (t instanceof ConnectTimeoutException) {
      return Outcome.TIMEOUT;
    }
    if (t instanceof ConnectException) {
      if (message.contains("refused")) {
        return Outcome.CONNECT_REFUSED;
      }
      if (message.contains("reset")) {
        return Outcome.RESET;
      }
      if (message.contains("timed out")) {
        return Outcome.TIMEOUT;
      }
      return Outcome.OTHER;
    }
    if (message.contains("connection reset") || message.contains("broken pipe")) {
      return Outcome.RESET;
    }
    if (t instanceof PrematureChannelClosureException || t instanceof ClosedChannelException) {
      return Outcome.EOF;
    }
    return Outcome.OTHER;
  }

  /**
   * True when {@code failure} happened before anything reached the network because the generator's
   * own process ran out of a resource: file descriptors (EMFILE/ENFILE) or local ports
   * (EADDRNOTAVAIL), which Netty reports as a failure to create or connect the channel.
   */
  static boolean isLocalResourceFailure(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
      String message = t.getMessage() == null ? "" : t.getMessage().toLowerCase(Locale.ROOT);
      if ((t instanceof ChannelException && message.contains("unable to create channel"))
          || message.contains("too many open files")
          || message.contains("cannot assign requested address")) {
        return true;
      }
    }
    return false;
  }

  /** A short, stable description of a failure for the report's message samples. */
  static String describe(Throwable failure) {
    String message = failure.getMessage();
    return failure.getClass().getSimpleName() + (message == null ? "" : ": " + message);
  }
}
