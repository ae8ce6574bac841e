package io.sidecarset.loadgen;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeoutException;

/**
 * A load run in progress, started by {@link LoadGenerator#start(LoadSpec)}. The run schedules
 * requests for {@code spec().duration()} (or until {@link #stop()}), waits for every sent request
 * to finish or time out, closes its connections and completes with a {@link LoadReport}. It always
 * ends by itself: at the latest {@code duration + requestTimeout} plus a moment after it started.
 *
 * <p>Typical use:
 *
 * <pre>{@code
 * try (LoadRun run = LoadGenerator.start(spec)) {
 *   ...                      // e.g. wait, then trigger an upgrade
 *   run.mark("upgrade-1 start");
 *   ...
 *   run.mark("upgrade-1 end");
 *   LoadReport report = run.awaitCompletion();
 *   assertThat(report.dropped()).isZero();
 * }
 * }</pre>
 *
 * <p>All methods are thread-safe.
 */
public interface LoadRun extends AutoCloseable {

  LoadSpec spec();

  /**
   * Records a labelled moment (wall clock and offset since start) that the report uses to cut the
   * run into windows. Marks after the schedule ended are kept but cover no requests.
   */
  Mark mark(String label);

  /** Live counts and the latency of the last full second; cheap, callable at any rate. */
  LoadProgress progress();

  /**
   * Stops scheduling new requests now; requests already sent still finish (or time out) and are
   * counted. Idempotent; returns at once. The report then has {@code stoppedEarly() == true}.
   */
  void stop();

  /** True once the report is available. */
  boolean isDone();

  /** Completes with the report when the run has ended. */
  CompletableFuture<LoadReport> completion();

  /**
   * Blocks until the run ends by itself (or after {@link #stop()}) and returns its report.
   *
   * @throws IllegalStateException when the generator itself failed (the cause is attached)
   */
  LoadReport awaitCompletion() throws InterruptedException;

  /**
   * Like {@link #awaitCompletion()}, waiting at most {@code timeout}.
   *
   * @throws TimeoutException when the run is still going after {@code timeout}
   * @throws IllegalStateException when the generator itself failed (the cause is attached)
   */
  LoadReport awaitCompletion(Duration timeout) throws InterruptedException, TimeoutException;

  /**
   * Stops the run if it is still going, waits for in-flight requests to finish (at most the request
   * timeout) and releases its threads and connections. Never throws; the report stays available via
   * {@link #completion()}.
   */
  @Override
  void close();
}
