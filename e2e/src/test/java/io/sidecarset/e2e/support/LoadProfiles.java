package io.sidecarset.e2e.support;

import io.sidecarset.loadgen.LoadReport;
import io.sidecarset.loadgen.LoadRun;
import io.sidecarset.loadgen.LoadSpec;
import io.sidecarset.loadgen.TrafficMix;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeoutException;

/** The load the scenarios offer, and how a run is ended and kept as evidence. */
public final class LoadProfiles {

  /** Requests per second: at least 500, what the zero-drop claim is made at. */
  public static final double RATE = 600;

  /** 60% keep-alive, 20% a new connection per request, 20% HTTP/2 streams; no retries. */
  public static final TrafficMix MIX = TrafficMix.of(60, 20, 20);

  /** A bound on every run; scenarios stop theirs long before. */
  private static final Duration MAX_DURATION = Duration.ofMinutes(15);

  private LoadProfiles() {}

  /** Open-loop load on a proxy at {@code endpoint}. */
  public static LoadSpec standard(InetSocketAddress endpoint) {
    return LoadSpec.builder()
        .target(endpoint)
        .ratePerSecond(RATE)
        .mix(MIX)
        .duration(MAX_DURATION)
        .build();
  }

  /** Stops the run, waits for in-flight requests, writes loadgen's report to {@code file}. */
  public static LoadReport finish(LoadRun run, Path file) throws InterruptedException {
    run.stop();
    LoadReport report;
    try {
      report = run.awaitCompletion(Duration.ofSeconds(60));
    } catch (TimeoutException e) {
      throw new IllegalStateException("load run did not end within a minute of stop()", e);
    }
    report.writeJson(file);
    return report;
  }
}
