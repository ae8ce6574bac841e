package io.sidecarset.loadgen;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.Collections;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.PriorityQueue;
import org.HdrHistogram.Histogram;

/**
 * The result of a finished run: what was scheduled, what became of each request, latency, and the
 * same over time and over marked windows. Immutable once built; accessors return copies.
 *
 * <h2>Counting contract</h2>
 *
 * <ul>
 *   <li>{@link #requests()} = requests whose intended send time came before the run ended (all of
 *       {@code rate × duration}, unless {@link LoadRun#stop() stopped} early).
 *   <li>{@code requests() == sent() + notSent()}; {@code sent() == ok() + dropped()}; {@link
 *       #outcomes()} sums to {@link #sent()}.
 *   <li>A request is {@link Outcome#OK} only with a complete 2xx response; {@link #dropped()}
 *       counts every other outcome. Nothing is ever retried, so each request has exactly one
 *       outcome.
 *   <li>{@link #notSent()} counts requests the generator itself could not hand to the network
 *       before their deadline (it fell behind). They are not drops, but a run with {@code notSent()
 *       > 0} proves nothing about them: see {@link #provesZeroDropped()}.
 * </ul>
 *
 * <p>Latency is measured from each request's <em>intended</em> send time to its complete response
 * (so it includes any time the generator or a saturated connection pool held it), for OK requests
 * only, in microseconds. Time series and windows attribute a request to its intended send time.
 */
public final class LoadReport {
  private static final double[] SUMMARY_PERCENTILES = {50, 90, 99, 99.9};

  /** Dispatch lag p99 above which the summary warns that latency includes the generator's delay. */
  private static final long LAG_WARNING_MICROS = 10_000;

  /** How many of the slowest requests the summary lists, and the JSON. */
  static final int SLOWEST_IN_SUMMARY = 8;

  static final int SLOWEST_IN_JSON = 50;

  private final LoadSpec spec;
  private final Instant startedAt;
  private final Instant endedAt;
  private final Duration sendingTime;
  private final boolean stoppedEarly;
  private final long requests;
  private final RequestLog log;
  private final OpenLoopSchedule schedule;
  private final List<Mark> marks;
  private Map<Outcome, List<MessageSample>> messageSamples;
  private final List<MessageSample> notSentReasons;
  private final Histogram dispatchLagMicros;
  private final Duration generatorCpu;
  private final String transport;

  private final Map<Outcome, Long> outcomes;
  private final Map<TrafficKind, Map<Outcome, Long>> outcomesByKind;
  private final Map<TrafficKind, Long> notSentByKind;
  private final Histogram latency;
  private final Map<TrafficKind, Histogram> latencyByKind;
  private final List<SecondStats> perSecond;
  private final long notSent;

  LoadReport(
      LoadSpec spec,
      Instant startedAt,
      Instant endedAt,
      Duration sendingTime,
      boolean stoppedEarly,
      long requests,
      RequestLog log,
      List<Mark> marks,
      Map<Outcome, List<MessageSample>> messageSamples,
      List<MessageSample> notSentReasons,
      Histogram dispatchLagMicros,
      Duration generatorCpu,
      String transport) {
    this.spec = spec;
    this.startedAt = startedAt;
    this.endedAt = endedAt;
    this.sendingTime = sendingTime;
    this.stoppedEarly = stoppedEarly;
    this.requests = requests;
    this.log = log;
    this.schedule = spec.schedule();
    this.marks = List.copyOf(marks);
    Map<Outcome, List<MessageSample>> samples = new EnumMap<>(Outcome.class);
    samples.putAll(messageSamples);
    this.messageSamples = Collections.unmodifiableMap(samples);
    this.notSentReasons = List.copyOf(notSentReasons);
    this.dispatchLagMicros = dispatchLagMicros;
    this.generatorCpu = generatorCpu;
    this.transport = transport;

    this.outcomes = zeroCounts();
    this.outcomesByKind = new EnumMap<>(TrafficKind.class);
    this.notSentByKind = new EnumMap<>(TrafficKind.class);
    this.latency = new Histogram(3);
    this.latencyByKind = new EnumMap<>(TrafficKind.class);
    for (TrafficKind kind : TrafficKind.values()) {
      outcomesByKind.put(kind, zeroCounts());
      notSentByKind.put(kind, 0L);
      latencyByKind.put(kind, new Histogram(3));
    }
    long notSentCount = 0;
    TrafficKind[] cycle = spec.mix().cycle();
    for (long seq = 0; seq < requests; seq++) {
      TrafficKind kind = TrafficMix.kindOf(cycle, seq);
      byte result = log.result(seq);
      if (result == RequestLog.NOT_SENT) {
        notSentCount++;
        notSentByKind.merge(kind, 1L, Long::sum);
        continue;
      }
      Outcome outcome = resultOutcome(result);
      outcomes.merge(outcome, 1L, Long::sum);
      outcomesByKind.get(kind).merge(outcome, 1L, Long::sum);
      if (outcome == Outcome.OK) {
        latency.recordValue(log.latencyMicros(seq));
        latencyByKind.get(kind).recordValue(log.latencyMicros(seq));
      }
    }
    this.notSent = notSentCount;
    long lost = 0;
    for (long seq = 0; seq < requests; seq++) {
      if (log.result(seq) == RequestLog.UNSET) {
        lost++;
      }
    }
    if (lost > 0) {
      List<MessageSample> other =
          new ArrayList<>(this.messageSamples.getOrDefault(Outcome.OTHER, List.of()));
      other.add(
          new MessageSample(
              "no outcome recorded before the run ended (an event loop stalled or died)", lost));
      Map<Outcome, List<MessageSample>> withLost = new EnumMap<>(this.messageSamples);
      withLost.put(Outcome.OTHER, List.copyOf(other));
      this.messageSamples = Collections.unmodifiableMap(withLost);
    }
    this.perSecond = computePerSecond();
  }

  /** A result slot never written means the transport lost track of a request: report, not hide. */
  private static Outcome resultOutcome(byte result) {
    return result == RequestLog.UNSET ? Outcome.OTHER : RequestLog.outcomeOf(result);
  }

  private static Map<Outcome, Long> zeroCounts() {
    Map<Outcome, Long> counts = new EnumMap<>(Outcome.class);
    for (Outcome outcome : Outcome.values()) {
      counts.put(outcome, 0L);
    }
    return counts;
  }

  private List<SecondStats> computePerSecond() {
    List<SecondStats> seconds = new ArrayList<>();
    Histogram histogram = new Histogram(3);
    long seq = 0;
    for (long second = 0; seq < requests; second++) {
      long end = Math.min(requests, schedule.firstSequenceAtOrAfter((second + 1) * 1_000_000_000L));
      long ok = 0;
      long sent = 0;
      long notSentHere = 0;
      Map<Outcome, Long> drops = new EnumMap<>(Outcome.class);
      histogram.reset();
      for (; seq < end; seq++) {
        byte result = log.result(seq);
        if (result == RequestLog.NOT_SENT) {
          notSentHere++;
          continue;
        }
        sent++;
        Outcome outcome = resultOutcome(result);
        if (outcome == Outcome.OK) {
          ok++;
          histogram.recordValue(log.latencyMicros(seq));
        } else {
          drops.merge(outcome, 1L, Long::sum);
        }
      }
      seconds.add(
          new SecondStats(
              second,
              sent,
              ok,
              sent - ok,
              notSentHere,
              Collections.unmodifiableMap(drops),
              ok == 0 ? 0 : histogram.getValueAtPercentile(50),
              ok == 0 ? 0 : histogram.getValueAtPercentile(99),
              ok == 0 ? 0 : histogram.getMaxValue()));
    }
    return List.copyOf(seconds);
  }

  public LoadSpec spec() {
    return spec;
  }

  public Instant startedAt() {
    return startedAt;
  }

  /** When the last request finished and the connections were closed. */
  public Instant endedAt() {
    return endedAt;
  }

  /** True when {@link LoadRun#stop()} ended the schedule before {@code spec().duration()}. */
  public boolean stoppedEarly() {
    return stoppedEarly;
  }

  /** Requests whose intended send time came before the run ended: {@code sent() + notSent()}. */
  public long requests() {
    return requests;
  }

  /** Requests handed to the network (each has exactly one outcome). */
  public long sent() {
    return requests - notSent;
  }

  /** Requests with a complete 2xx response. */
  public long ok() {
    return outcomes.get(Outcome.OK);
  }

  /** Sent requests with any outcome but {@link Outcome#OK}. */
  public long dropped() {
    return sent() - ok();
  }

  /** Requests the generator could not send before their deadline (it fell behind); not drops. */
  public long notSent() {
    return notSent;
  }

  /** Requests of one kind the generator could not send before their deadline. */
  public long notSent(TrafficKind kind) {
    return notSentByKind.get(kind);
  }

  /**
   * True when the run proves zero dropped requests: something was sent, nothing was dropped, and
   * the generator kept up ({@code notSent() == 0}).
   */
  public boolean provesZeroDropped() {
    return requests > 0 && dropped() == 0 && notSent == 0;
  }

  /** Count of every outcome (all keys present), summing to {@link #sent()}. */
  public Map<Outcome, Long> outcomes() {
    return Collections.unmodifiableMap(outcomes);
  }

  /** Count of every outcome for one traffic kind (all keys present). */
  public Map<Outcome, Long> outcomes(TrafficKind kind) {
    return Collections.unmodifiableMap(outcomesByKind.get(kind));
  }

  /** Requests of one kind that were sent. */
  public long sent(TrafficKind kind) {
    return outcomesByKind.get(kind).values().stream().mapToLong(Long::longValue).sum();
  }

  /** Latency of OK requests in microseconds, from intended send time to complete response. */
  public Histogram latency() {
    return latency.copy();
  }

  /** Latency of OK requests of one kind, in microseconds. */
  public Histogram latency(TrafficKind kind) {
    return latencyByKind.get(kind).copy();
  }

  /**
   * The {@code n} slowest OK requests, slowest first (ties by sequence), with their intended send
   * and completion times: where in the run the tail of {@link #latency()} came from.
   */
  public List<SlowRequest> slowest(int n) {
    if (n <= 0) {
      return List.of();
    }
    // a min-heap of {latency, sequence} of the n slowest seen so far: one pass, O(n) memory
    PriorityQueue<long[]> heap =
        new PriorityQueue<>(
            n + 1, Comparator.<long[]>comparingLong(e -> e[0]).thenComparingLong(e -> -e[1]));
    for (long seq = 0; seq < requests; seq++) {
      byte result = log.result(seq);
      if (result == RequestLog.NOT_SENT || resultOutcome(result) != Outcome.OK) {
        continue;
      }
      int micros = log.latencyMicros(seq);
      if (heap.size() < n) {
        heap.add(new long[] {micros, seq});
      } else if (micros > heap.peek()[0]) {
        heap.poll();
        heap.add(new long[] {micros, seq});
      }
    }
    TrafficKind[] cycle = spec.mix().cycle();
    List<SlowRequest> slowest = new ArrayList<>(heap.size());
    for (long[] e : heap) {
      long seq = e[1];
      slowest.add(
          new SlowRequest(
              seq,
              TrafficMix.kindOf(cycle, seq),
              Duration.ofNanos(schedule.intendedOffsetNanos(seq)),
              Duration.ofNanos(e[0] * 1000)));
    }
    slowest.sort(
        Comparator.comparing(SlowRequest::latency)
            .reversed()
            .thenComparingLong(SlowRequest::sequence));
    return List.copyOf(slowest);
  }

  /** One entry per second of the schedule, in order, attributed by intended send time. */
  public List<SecondStats> perSecond() {
    return perSecond;
  }

  /** The marks set during the run, in the order they were set. */
  public List<Mark> marks() {
    return marks;
  }

  /**
   * The run cut at every mark: {@code [start, mark1)} labelled {@code "start"}, then {@code [mark1,
   * mark2)} labelled with mark1's label, and so on until the end of the schedule.
   */
  public List<WindowStats> segments() {
    List<WindowStats> segments = new ArrayList<>();
    Duration from = Duration.ZERO;
    String label = "start";
    for (Mark mark : marks) {
      segments.add(window(label, from, mark.offset()));
      from = mark.offset();
      label = mark.label();
    }
    segments.add(window(label, from, scheduleEnd()));
    return List.copyOf(segments);
  }

  /** Requests whose intended send time is in {@code [from, to)}, as offsets since the start. */
  public WindowStats window(Duration from, Duration to) {
    return window(format(from) + ".." + format(to), from, to);
  }

  /** Requests whose intended send time is in {@code [from, to)}, as wall-clock times. */
  public WindowStats window(Instant from, Instant to) {
    return window(
        from + ".." + to, Duration.between(startedAt, from), Duration.between(startedAt, to));
  }

  /**
   * Requests whose intended send time lies between the first mark labelled {@code fromMark} and the
   * first later mark labelled {@code toMark} (or the end of the run when {@code toMark} is null).
   *
   * @throws IllegalArgumentException when a mark is missing
   */
  public WindowStats window(String fromMark, String toMark) {
    Mark start = findMark(fromMark, Duration.ZERO);
    Duration end = toMark == null ? scheduleEnd() : findMark(toMark, start.offset()).offset();
    return window(fromMark + ".." + (toMark == null ? "end" : toMark), start.offset(), end);
  }

  private Mark findMark(String label, Duration notBefore) {
    return marks.stream()
        .filter(m -> m.label().equals(label) && m.offset().compareTo(notBefore) >= 0)
        .findFirst()
        .orElseThrow(
            () ->
                new IllegalArgumentException(
                    "no mark '" + label + "' at or after " + format(notBefore) + " in " + marks));
  }

  private Duration scheduleEnd() {
    return Duration.ofNanos(requests == 0 ? 0 : schedule.intendedOffsetNanos(requests - 1) + 1);
  }

  private WindowStats window(String label, Duration from, Duration to) {
    long first = Math.min(requests, schedule.firstSequenceAtOrAfter(from.toNanos()));
    long end = Math.min(requests, schedule.firstSequenceAtOrAfter(to.toNanos()));
    Map<Outcome, Long> counts = zeroCounts();
    Histogram histogram = new Histogram(3);
    long notSentHere = 0;
    for (long seq = first; seq < end; seq++) {
      byte result = log.result(seq);
      if (result == RequestLog.NOT_SENT) {
        notSentHere++;
        continue;
      }
      Outcome outcome = resultOutcome(result);
      counts.merge(outcome, 1L, Long::sum);
      if (outcome == Outcome.OK) {
        histogram.recordValue(log.latencyMicros(seq));
      }
    }
    long total = Math.max(0, end - first);
    long ok = counts.get(Outcome.OK);
    return new WindowStats(
        label,
        from,
        to,
        total,
        ok,
        total - notSentHere - ok,
        notSentHere,
        Collections.unmodifiableMap(counts),
        histogram);
  }

  /** Failure messages per outcome with counts (at most a few distinct ones per outcome). */
  public Map<Outcome, List<MessageSample>> messageSamples() {
    return messageSamples;
  }

  /**
   * Why requests were not sent, with counts: the generator fell behind its schedule, or could not
   * open a socket (out of file descriptors or local ports).
   */
  public List<MessageSample> notSentReasons() {
    return notSentReasons;
  }

  /**
   * How late the generator handed requests to the network, relative to their intended send time, in
   * microseconds. High values mean the generator, not the server, added latency.
   */
  public Histogram dispatchLag() {
    return dispatchLagMicros.copy();
  }

  /** CPU time used by the generator's own threads (pacer and event loops) during the run. */
  public Duration generatorCpu() {
    return generatorCpu;
  }

  /** Sent requests per second over the time the schedule ran. */
  public double achievedRatePerSecond() {
    double seconds = sendingTime.toNanos() / 1e9;
    return seconds <= 0 ? 0 : sent() / seconds;
  }

  /** A human-readable summary: rates, counts by outcome, latency percentiles, marks, verdict. */
  public String summary() {
    StringBuilder out = new StringBuilder();
    out.append(
        String.format(
            Locale.ROOT,
            "loadgen %s%s mix %s, %s%s%n",
            spec.authority(),
            spec.path(),
            spec.mix(),
            format(spec.duration()),
            stoppedEarly ? " (stopped early)" : ""));
    out.append(
        String.format(
            Locale.ROOT,
            "rate: offered %.1f/s, achieved %.1f/s; requests %d = sent %d + notSent %d%n",
            spec.ratePerSecond(),
            achievedRatePerSecond(),
            requests,
            sent(),
            notSent));
    out.append(String.format(Locale.ROOT, "ok %d, dropped %d%n", ok(), dropped()));
    out.append("outcomes:");
    outcomes.forEach((o, n) -> out.append(' ').append(o.label()).append('=').append(n));
    out.append(System.lineSeparator());
    out.append("latency ms (ok, from intended send time): ")
        .append(percentiles(latency))
        .append(System.lineSeparator());
    for (TrafficKind kind : TrafficKind.values()) {
      if (spec.mix().weight(kind) == 0) {
        continue;
      }
      out.append(
          String.format(
              Locale.ROOT,
              "  %-9s sent %d, ok %d, dropped %d, notSent %d; %s%n",
              kind.label(),
              sent(kind),
              outcomesByKind.get(kind).get(Outcome.OK),
              sent(kind) - outcomesByKind.get(kind).get(Outcome.OK),
              notSentByKind.get(kind),
              percentiles(latencyByKind.get(kind))));
    }
    messageSamples.forEach(
        (outcome, samples) ->
            samples.forEach(
                s ->
                    out.append(
                        String.format(
                            Locale.ROOT,
                            "  %s x%d: %s%n",
                            outcome.label(),
                            s.count(),
                            s.message()))));
    notSentReasons.forEach(
        s ->
            out.append(String.format(Locale.ROOT, "  not sent x%d: %s%n", s.count(), s.message())));
    if (!marks.isEmpty()) {
      out.append("segments:").append(System.lineSeparator());
      for (WindowStats w : segments()) {
        out.append(
            String.format(
                Locale.ROOT,
                "  [%s, %s) %-20s requests %d, ok %d, dropped %d, notSent %d; %s%n",
                format(w.from()),
                format(w.to()),
                w.label(),
                w.requests(),
                w.ok(),
                w.dropped(),
                w.notSent(),
                percentiles(w.latencyMicros())));
      }
    }
    List<SlowRequest> slowest = slowest(SLOWEST_IN_SUMMARY);
    if (!slowest.isEmpty()) {
      out.append("slowest (intended send -> response complete):").append(System.lineSeparator());
      for (SlowRequest r : slowest) {
        out.append(
            String.format(
                Locale.ROOT,
                "  %8.2fms %-9s %s -> %s%n",
                r.latency().toNanos() / 1e6,
                r.kind().label(),
                format(r.intendedOffset()),
                format(r.finishedOffset())));
      }
    }
    out.append(
        String.format(
            Locale.ROOT,
            "generator: %s, dispatch lag p99 %.2fms max %.2fms, cpu %.1fs%n",
            transport,
            dispatchLagMicros.getValueAtPercentile(99) / 1000.0,
            dispatchLagMicros.getMaxValue() / 1000.0,
            generatorCpu.toNanos() / 1e9));
    if (dispatchLagMicros.getValueAtPercentile(99) > LAG_WARNING_MICROS) {
      out.append(
          String.format(
              Locale.ROOT,
              "warning: the generator handed 1%% of requests to the network more than %.1fms late;"
                  + " that delay is in the latency figures (machine overloaded?)%n",
              dispatchLagMicros.getValueAtPercentile(99) / 1000.0));
    }
    out.append("result: ").append(verdict()).append(System.lineSeparator());
    return out.toString();
  }

  /**
   * {@code ZERO DROPPED}, {@code DROPPED n}, or {@code INCONCLUSIVE} when the generator fell
   * behind.
   */
  public String verdict() {
    if (dropped() > 0) {
      return "DROPPED " + dropped() + " of " + sent();
    }
    if (notSent > 0 || requests == 0) {
      return "INCONCLUSIVE (generator did not send " + notSent + " of " + requests + ")";
    }
    return "ZERO DROPPED (" + ok() + " of " + sent() + " ok)";
  }

  private static String percentiles(Histogram h) {
    if (h.getTotalCount() == 0) {
      return "no ok responses";
    }
    StringBuilder s = new StringBuilder();
    for (double p : SUMMARY_PERCENTILES) {
      s.append(
          String.format(Locale.ROOT, "p%s=%.2f ", trim(p), h.getValueAtPercentile(p) / 1000.0));
    }
    return s.append(String.format(Locale.ROOT, "max=%.2f", h.getMaxValue() / 1000.0)).toString();
  }

  private static String trim(double p) {
    return p == Math.rint(p) ? Long.toString((long) p) : Double.toString(p);
  }

  private static String format(Duration d) {
    return String.format(Locale.ROOT, "%.3fs", d.toNanos() / 1e9);
  }

  /** The whole report as a JSON tree (see the module README for the fields). */
  public ObjectNode toJsonTree() {
    ObjectMapper mapper = new ObjectMapper();
    ObjectNode root = mapper.createObjectNode();
    ObjectNode specNode = root.putObject("spec");
    specNode.put("target", spec.authority());
    specNode.put("path", spec.path());
    specNode.put("ratePerSecond", spec.ratePerSecond());
    specNode.put("durationSeconds", spec.duration().toNanos() / 1e9);
    ObjectNode mixNode = specNode.putObject("mix");
    for (TrafficKind kind : TrafficKind.values()) {
      mixNode.put(kind.label(), spec.mix().weight(kind));
    }
    specNode.put("keepAliveConnections", spec.keepAliveConnections());
    specNode.put("h2Connections", spec.h2Connections());
    specNode.put("requestTimeoutMillis", spec.requestTimeout().toMillis());
    specNode.put("ioThreads", spec.ioThreads());

    root.put("startedAt", startedAt.toString());
    root.put("endedAt", endedAt.toString());
    root.put("stoppedEarly", stoppedEarly);
    root.put("requests", requests);
    root.put("sent", sent());
    root.put("ok", ok());
    root.put("dropped", dropped());
    root.put("notSent", notSent);
    root.put("provesZeroDropped", provesZeroDropped());
    root.put("verdict", verdict());
    root.put("achievedRatePerSecond", achievedRatePerSecond());
    root.set("outcomes", countsNode(mapper, outcomes));
    ObjectNode byKind = root.putObject("byKind");
    for (TrafficKind kind : TrafficKind.values()) {
      ObjectNode k = byKind.putObject(kind.label());
      k.put("sent", sent(kind));
      k.put("notSent", notSentByKind.get(kind));
      k.set("outcomes", countsNode(mapper, outcomesByKind.get(kind)));
      k.set("latencyMillis", latencyNode(mapper, latencyByKind.get(kind)));
    }
    root.set("latencyMillis", latencyNode(mapper, latency));
    root.put("latencyHistogramMicrosBase64", encode(latency));
    ObjectNode samples = root.putObject("messageSamples");
    messageSamples.forEach(
        (outcome, list) -> {
          ArrayNode array = samples.putArray(outcome.label());
          list.forEach(s -> array.addObject().put("message", s.message()).put("count", s.count()));
        });
    ArrayNode notSentNode = root.putArray("notSentReasons");
    notSentReasons.forEach(
        s -> notSentNode.addObject().put("message", s.message()).put("count", s.count()));
    ArrayNode marksNode = root.putArray("marks");
    for (Mark mark : marks) {
      marksNode
          .addObject()
          .put("label", mark.label())
          .put("at", mark.at().toString())
          .put("offsetSeconds", mark.offset().toNanos() / 1e9);
    }
    ArrayNode segmentsNode = root.putArray("segments");
    for (WindowStats w : segments()) {
      ObjectNode s = segmentsNode.addObject();
      s.put("label", w.label());
      s.put("fromSeconds", w.from().toNanos() / 1e9);
      s.put("toSeconds", w.to().toNanos() / 1e9);
      s.put("requests", w.requests());
      s.put("ok", w.ok());
      s.put("dropped", w.dropped());
      s.put("notSent", w.notSent());
      s.set("outcomes", countsNode(mapper, w.outcomes()));
      s.set("latencyMillis", latencyNode(mapper, w.latencyMicros()));
    }
    ArrayNode slowestNode = root.putArray("slowest");
    for (SlowRequest r : slowest(SLOWEST_IN_JSON)) {
      slowestNode
          .addObject()
          .put("sequence", r.sequence())
          .put("kind", r.kind().label())
          .put("intendedSeconds", r.intendedOffset().toNanos() / 1e9)
          .put("latencyMillis", r.latency().toNanos() / 1e6);
    }
    ArrayNode seconds = root.putArray("perSecond");
    for (SecondStats s : perSecond) {
      ObjectNode n = seconds.addObject();
      n.put("second", s.second());
      n.put("sent", s.sent());
      n.put("ok", s.ok());
      n.put("dropped", s.dropped());
      n.put("notSent", s.notSent());
      n.set("drops", countsNode(mapper, s.drops()));
      n.put("p50Millis", s.p50Micros() / 1000.0);
      n.put("p99Millis", s.p99Micros() / 1000.0);
      n.put("maxMillis", s.maxMicros() / 1000.0);
    }
    ObjectNode generator = root.putObject("generator");
    generator.put("transport", transport);
    generator.put("cpuSeconds", generatorCpu.toNanos() / 1e9);
    generator.set("dispatchLagMillis", latencyNode(mapper, dispatchLagMicros));
    return root;
  }

  /** The report as pretty-printed JSON. */
  public String toJson() {
    try {
      return new ObjectMapper()
          .enable(SerializationFeature.INDENT_OUTPUT)
          .writeValueAsString(toJsonTree());
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("report is not serializable", e);
    }
  }

  /** Writes {@link #toJson()} to a file, creating parent directories. */
  public void writeJson(Path file) {
    Objects.requireNonNull(file, "file");
    try {
      Path parent = file.toAbsolutePath().getParent();
      if (parent != null) {
        Files.createDirectories(parent);
      }
      Files.writeString(file, toJson());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write report to " + file, e);
    }
  }

  private static ObjectNode countsNode(ObjectMapper mapper, Map<Outcome, Long> counts) {
    ObjectNode node = mapper.createObjectNode();
    counts.forEach((o, n) -> node.put(o.label(), n));
    return node;
  }

  private static ObjectNode latencyNode(ObjectMapper mapper, Histogram h) {
    ObjectNode node = mapper.createObjectNode();
    node.put("count", h.getTotalCount());
    if (h.getTotalCount() > 0) {
      node.put("p50", h.getValueAtPercentile(50) / 1000.0);
      node.put("p90", h.getValueAtPercentile(90) / 1000.0);
      node.put("p99", h.getValueAtPercentile(99) / 1000.0);
      node.put("p999", h.getValueAtPercentile(99.9) / 1000.0);
      node.put("max", h.getMaxValue() / 1000.0);
      node.put("mean", h.getMean() / 1000.0);
    }
    return node;
  }

  private static String encode(Histogram h) {
    ByteBuffer buffer = ByteBuffer.allocate(h.getNeededByteBufferCapacity());
    int length = h.encodeIntoCompressedByteBuffer(buffer);
    return Base64.getEncoder().encodeToString(Arrays.copyOf(buffer.array(), length));
  }
}
