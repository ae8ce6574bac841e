package io.sidecarset.loadgen;

/**
 * Entry point of the library: starts an open-loop run. See {@link LoadRun} and {@link LoadReport}
 * for what is measured, and the module README for the definition of a dropped request.
 */
public final class LoadGenerator {
  private LoadGenerator() {}

  /**
   * Opens the long-lived connections (keep-alive pool, h2c), waiting at most 2 s (or the request
   * timeout, if shorter) for them, then starts the schedule and returns. The first request is due
   * at once. A connection that could not be opened is simply opened again by the first request that
   * needs it (its failure, if any, is that request's outcome).
   */
  public static LoadRun start(LoadSpec spec) {
    OpenLoopRun run = new OpenLoopRun(spec);
    run.start();
    return run;
  }
}
