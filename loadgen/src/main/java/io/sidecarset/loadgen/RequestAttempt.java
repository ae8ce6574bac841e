package io.sidecarset.loadgen;

/**
 * One scheduled request on its way through the transport. It is finished exactly once, with one
 * {@link Outcome}; later signals (a late response, the close that follows a timeout) are ignored.
 * Confined to the event loop of its lane after dispatch.
 */
final class RequestAttempt {
  final long sequence;
  final TrafficKind kind;
  final long intendedNanos;
  final long deadlineNanos;

  /** Which connection slot of its lane carries it (h2c), chosen by the pacer; 0 otherwise. */
  final int route;

  private final RunRecorder recorder;
  private boolean finished;
  private Outcome outcome;
  private Runnable onFinish;
  private String stage = "dispatched";

  RequestAttempt(
      long sequence,
      TrafficKind kind,
      long intendedNanos,
      long deadlineNanos,
      int route,
      RunRecorder recorder) {
    this.sequence = sequence;
    this.kind = kind;
    this.intendedNanos = intendedNanos;
    this.deadlineNanos = deadlineNanos;
    this.route = route;
    this.recorder = recorder;
  }

  /**
   * Finishes as {@link Outcome#TIMEOUT}, naming where the request was; the lane's sweep calls it.
   */
  void expire(String description) {
    finish(Outcome.TIMEOUT, description + " (" + stage + ")");
  }

  /** What the transport must do once this attempt is finished (free a slot, close a channel). */
  void onFinish(Runnable action) {
    this.onFinish = action;
  }

  /**
   * Where the request is, for the timeout message: connecting, waiting for a connection, sent...
   */
  void stage(String stage) {
    this.stage = stage;
  }

  boolean isFinished() {
    return finished;
  }

  /** The outcome, or null while not finished. */
  Outcome outcome() {
    return outcome;
  }

  /** Records the outcome unless one was already recorded; returns whether this call finished it. */
  boolean finish(Outcome result, String detail) {
    if (finished) {
      return false;
    }
    finished = true;
    outcome = result;
    recorder.finished(sequence, result, System.nanoTime() - intendedNanos, detail);
    Runnable action = onFinish;
    onFinish = null;
    if (action != null) {
      action.run();
    }
    return true;
  }

  /**
   * A connect failed. When the generator itself could not create the socket (out of file
   * descriptors or local ports), the request never left: it is not sent, not dropped.
   */
  void failConnect(Throwable failure) {
    if (OutcomeClassifier.isLocalResourceFailure(failure)) {
      abandon("the generator could not open a socket: " + OutcomeClassifier.describe(failure));
    } else {
      fail(failure);
    }
  }

  /** Ends the attempt as never sent, for the given reason. */
  void abandon(String reason) {
    if (finished) {
      return;
    }
    finished = true;
    recorder.notSent(sequence, reason);
    Runnable action = onFinish;
    onFinish = null;
    if (action != null) {
      action.run();
    }
  }

  /** Finishes with the outcome the classifier gives for {@code failure}. */
  boolean fail(Throwable failure) {
    return finish(OutcomeClassifier.ofFailure(failure), OutcomeClassifier.describe(failure));
  }
}
