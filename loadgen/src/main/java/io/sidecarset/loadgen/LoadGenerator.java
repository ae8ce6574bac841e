package io.sidecarset.loadgen;

/**
 * Entry point of the library: starts an open-loop run. See {@link LoadRun} and {@link LoadReport}
 * for what is measured, and the module README for the definition of a dropped request.
 */
public final class LoadGenerator {
  private LoadGenerator() {}

  /**
   * Starts sending load as described by {@code spec} and returns at once. The first request is
   * intended to go out immediately.
   */
  public static LoadRun start(LoadSpec spec) {
    OpenLoopRun run = new OpenLoopRun(spec);
    run.start();
    return run;
  }
}
