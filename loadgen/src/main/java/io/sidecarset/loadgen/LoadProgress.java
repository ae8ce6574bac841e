package io.sidecarset.loadgen;

import java.time.Duration;
import java.util.Locale;

/**
 * A live view of a running load, for progress lines and for waiting on "traffic is flowing".
 *
 * @param elapsed time since the run started
 * @param scheduled requests whose intended send time has come (sent + notSent + queued)
 * @param ok requests finished with a complete 2xx response
 * @param dropped requests finished with any other outcome
 * @param notSent requests the generator could not send before their deadline
 * @param inFlight requests scheduled and not finished yet
 * @param lastSecondP99Micros p99 latency of OK requests finished in the last full second, 0 if none
 * @param lastSecondMaxMicros max latency of OK requests finished in the last full second, 0 if none
 */
public record LoadProgress(
    Duration elapsed,
    long scheduled,
    long ok,
    long dropped,
    long notSent,
    long inFlight,
    long lastSecondP99Micros,
    long lastSecondMaxMicros) {

  /** One line such as {@code t=12s sent=24000 ok=24000 dropped=0 notSent=0 p99=1.21ms}. */
  public String toLine() {
    return String.format(
        Locale.ROOT,
        "t=%ds sent=%d ok=%d dropped=%d notSent=%d inFlight=%d p99=%.2fms max=%.2fms",
        elapsed.toSeconds(),
        scheduled - notSent,
        ok,
        dropped,
        notSent,
        inFlight,
        lastSecondP99Micros / 1000.0,
        lastSecondMaxMicros / 1000.0);
  }
}
