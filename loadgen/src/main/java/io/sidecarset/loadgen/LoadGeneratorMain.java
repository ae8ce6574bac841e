package io.sidecarset.loadgen;

import java.io.PrintStream;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Command-line entry point: {@code java -jar loadgen.jar --target 127.0.0.1:8080 --rate 2000
 * --duration 60s}. See {@link LoadArguments#USAGE} for the options and exit codes.
 */
public final class LoadGeneratorMain {
  static final int EXIT_ZERO_DROPPED = 0;
  static final int EXIT_DROPPED = 1;
  static final int EXIT_BAD_ARGUMENTS = 2;
  static final int EXIT_INCONCLUSIVE = 3;

  private LoadGeneratorMain() {}

  public static void main(String[] args) {
    System.exit(run(args, System.out, System.err));
  }

  /** Runs the CLI and returns its exit code; output goes to {@code out}, errors to {@code err}. */
  static int run(String[] args, PrintStream out, PrintStream err) {
    LoadArguments arguments;
    try {
      arguments = LoadArguments.parse(args);
    } catch (IllegalArgumentException e) {
      err.println("loadgen: " + e.getMessage());
      err.println();
      err.print(LoadArguments.USAGE);
      return EXIT_BAD_ARGUMENTS;
    }
    if (arguments.help()) {
      out.print(LoadArguments.USAGE);
      return EXIT_ZERO_DROPPED;
    }
    LoadSpec spec = arguments.spec();
    out.printf(
        "loadgen: %s%s at %.1f/s for %s, mix %s, %d keep-alive + %d h2c connections, timeout %s%n",
        spec.authority(),
        spec.path(),
        spec.ratePerSecond(),
        spec.duration(),
        spec.mix(),
        spec.keepAliveConnections(),
        spec.h2Connections(),
        spec.requestTimeout());
    LoadRun run = LoadGenerator.start(spec);
    CountDownLatch reported = new CountDownLatch(1);
    Thread onInterrupt = new Thread(() -> stopAndWaitForReport(run, reported), "loadgen-sigint");
    Runtime.getRuntime().addShutdownHook(onInterrupt);
    LoadReport report;
    try {
      report = awaitWithProgress(run, out);
    } finally {
      run.close();
    }
    out.println();
    out.print(report.summary());
    if (arguments.report() != null) {
      report.writeJson(arguments.report());
      out.println("report written to " + arguments.report().toAbsolutePath());
    }
    out.flush();
    reported.countDown();
    try {
      Runtime.getRuntime().removeShutdownHook(onInterrupt);
    } catch (IllegalStateException shuttingDown) {
      // Ctrl-C arrived: the hook is already waiting for this report, nothing to remove
    }
    if (report.dropped() > 0) {
      return EXIT_DROPPED;
    }
    return report.notSent() > 0 || report.requests() == 0 ? EXIT_INCONCLUSIVE : EXIT_ZERO_DROPPED;
  }

  private static LoadReport awaitWithProgress(LoadRun run, PrintStream out) {
    while (true) {
      try {
        return run.completion().get(1, TimeUnit.SECONDS);
      } catch (TimeoutException e) {
        out.println(run.progress().toLine());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        run.stop();
      } catch (ExecutionException e) {
        throw new IllegalStateException("load run failed", e.getCause());
      }
    }
  }

  /** Ctrl-C: stop scheduling, and let the main thread print the summary of what was sent. */
  private static void stopAndWaitForReport(LoadRun run, CountDownLatch reported) {
    run.stop();
    try {
      reported.await(
          run.spec().requestTimeout().plus(Duration.ofSeconds(5)).toMillis(),
          TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
