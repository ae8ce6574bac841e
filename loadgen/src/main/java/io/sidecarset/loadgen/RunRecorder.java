package io.sidecarset.loadgen;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * The thread-safe sink every finished request reports to: the per-request log, live counters for
 * progress lines, latency of the current second, and samples of failure messages.
 */
final class RunRecorder {
  /** Distinct failure messages kept per outcome; further distinct ones are only counted. */
  static final int MESSAGE_SAMPLES_PER_OUTCOME = 10;

  private final RequestLog log;
  private final LongAdder ok = new LongAdder();
  private final LongAdder dropped = new LongAdder();
  private final LongAdder notSent = new LongAdder();
  private final LongAdder dispatched = new LongAdder();
  private final AtomicLong outstanding = new AtomicLong();
  private final Recorder liveLatencyMicros = new Recorder(3);
  private final Recorder dispatchLagMicros = new Recorder(3);
  private final Histogram dispatchLagTotal = new Histogram(3);
  private final Map<Outcome, Map<String, Long>> messages = new EnumMap<>(Outcome.class);
  private final Map<String, Long> notSentReasons = new LinkedHashMap<>();

  RunRecorder(RequestLog log) {
    this.log = log;
  }

  RequestLog log() {
    return log;
  }

  /** A request was created by the pacer and is now the transport's (or notSent's) to finish. */
  void created() {
    outstanding.incrementAndGet();
  }

  /** The transport took the request {@code lagNanos} after its intended send time. */
  void dispatched(long lagNanos) {
    dispatched.increment();
    dispatchLagMicros.recordValue(Math.max(0, lagNanos / 1000));
  }

  /** The request never reached the network, for the given reason (the generator's own limit). */
  void notSent(long sequence, String reason) {
    log.recordNotSent(sequence);
    notSent.increment();
    sample(notSentReasons, reason);
    outstanding.decrementAndGet();
  }

  void finished(long sequence, Outcome outcome, long latencyNanos, String detail) {
    log.record(sequence, outcome, latencyNanos);
    if (outcome == Outcome.OK) {
      ok.increment();
      liveLatencyMicros.recordValue(Math.max(1, latencyNanos / 1000));
    } else {
      dropped.increment();
      if (detail != null) {
        sampleMessage(outcome, detail);
      }
    }
    outstanding.decrementAndGet();
  }

  private synchronized void sampleMessage(Outcome outcome, String detail) {
    sample(messages.computeIfAbsent(outcome, o -> new LinkedHashMap<>()), detail);
  }

  private synchronized void sample(Map<String, Long> counts, String detail) {
    String key =
        counts.containsKey(detail) || counts.size() < MESSAGE_SAMPLES_PER_OUTCOME
            ? detail
            : "(other messages)";
    counts.merge(key, 1L, Long::sum);
  }

  /** Failure messages seen per outcome with their counts, in first-seen order. */
  synchronized Map<Outcome, List<MessageSample>> messageSamples() {
    Map<Outcome, List<MessageSample>> copy = new EnumMap<>(Outcome.class);
    messages.forEach(
        (outcome, counts) -> {
          List<MessageSample> samples = new ArrayList<>();
          counts.forEach((message, count) -> samples.add(new MessageSample(message, count)));
          copy.put(outcome, List.copyOf(samples));
        });
    return copy;
  }

  /** Why requests were not sent, with counts, in first-seen order. */
  synchronized List<MessageSample> notSentReasons() {
    List<MessageSample> samples = new ArrayList<>();
    notSentReasons.forEach((reason, count) -> samples.add(new MessageSample(reason, count)));
    return List.copyOf(samples);
  }

  long ok() {
    return ok.sum();
  }

  long dropped() {
    return dropped.sum();
  }

  long notSent() {
    return notSent.sum();
  }

  long outstanding() {
    return outstanding.get();
  }

  /** Latency of OK requests since the previous call (microseconds); only the ticker calls it. */
  Histogram takeIntervalLatency() {
    return liveLatencyMicros.getIntervalHistogram();
  }

  /** All dispatch lag recorded so far (microseconds). */
  synchronized Histogram dispatchLag() {
    dispatchLagTotal.add(dispatchLagMicros.getIntervalHistogram());
    return dispatchLagTotal.copy();
  }
}
