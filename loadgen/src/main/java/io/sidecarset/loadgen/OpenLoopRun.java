package io.sidecarset.loadgen;

import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import org.HdrHistogram.Histogram;

/**
 * The running generator: one pacer thread that releases requests at their intended times and hands
 * them to the lanes (event loops) in batches, then waits for every request to finish, tears the
 * connections down and publishes the report.
 *
 * <p>Why a dedicated pacer thread: the schedule must not depend on how busy the event loops are,
 * and one place decides "due now", so lag (generator falling behind) is measured in one place too.
 */
final class OpenLoopRun implements LoadRun {
  private static final long SECOND = 1_000_000_000L;

  /** Extra wait after the last deadline before unfinished requests are declared lost. */
  private static final long DRAIN_GRACE_NANOS = 2 * SECOND;

  private static final long TEARDOWN_WAIT_MILLIS = 10_000;

  /** Longest wait for the long-lived connections before the first request is due. */
  private static final Duration PRECONNECT_WAIT = Duration.ofSeconds(2);

  private final LoadSpec spec;
  private final OpenLoopSchedule schedule;
  private final IoTransport transport;
  private final RunRecorder recorder;
  private final List<Mark> marks = new CopyOnWriteArrayList<>();
  private final List<Thread> ioThreads = new CopyOnWriteArrayList<>();
  private final CompletableFuture<LoadReport> completion = new CompletableFuture<>();
  private final Thread pacer;
  private EventLoopGroup group;
  private Lane[] lanes;
  private int[] keepAliveLaneOfSlot;
  private int[] h2cLaneOfSlot;
  private int[] h2cRouteOfSlot;
  private Instant startedAt;
  private long startNanos;
  private volatile boolean stopRequested;
  private volatile long scheduled;
  private volatile long lastSecondP99Micros;
  private volatile long lastSecondMaxMicros;

  OpenLoopRun(LoadSpec spec) {
    this.spec = spec;
    this.schedule = spec.schedule();
    this.transport = IoTransport.best();
    this.recorder = new RunRecorder(new RequestLog(schedule.totalRequests()));
    this.pacer = new Thread(this::runPacer, "loadgen-pacer");
    this.pacer.setDaemon(true);
  }

  void start() {
    AtomicInteger threadNumber = new AtomicInteger();
    ThreadFactory threads =
        runnable -> {
          Thread thread = new Thread(runnable, "loadgen-io-" + threadNumber.getAndIncrement());
          thread.setDaemon(true);
          ioThreads.add(thread);
          return thread;
        };
    group =
        new MultiThreadIoEventLoopGroup(spec.ioThreads(), threads, transport.ioHandlerFactory());
    int laneCount = spec.ioThreads();
    SocketBudget sockets = SocketBudget.forThisProcess();
    int[] keepAlivePerLane = new int[laneCount];
    int[] h2cPerLane = new int[laneCount];
    keepAliveLaneOfSlot = new int[spec.keepAliveConnections()];
    for (int slot = 0; slot < keepAliveLaneOfSlot.length; slot++) {
      keepAliveLaneOfSlot[slot] = slot % laneCount;
      keepAlivePerLane[slot % laneCount]++;
    }
    h2cLaneOfSlot = new int[spec.h2Connections()];
    h2cRouteOfSlot = new int[spec.h2Connections()];
    for (int slot = 0; slot < h2cLaneOfSlot.length; slot++) {
      h2cLaneOfSlot[slot] = slot % laneCount;
      h2cRouteOfSlot[slot] = h2cPerLane[slot % laneCount]++;
    }
    lanes = new Lane[laneCount];
    Iterator<?> loops = group.iterator();
    for (int i = 0; i < laneCount; i++) {
      lanes[i] =
          new Lane(
              (EventLoop) loops.next(),
              transport,
              spec,
              recorder,
              sockets,
              keepAlivePerLane[i],
              h2cPerLane[i]);
    }
    preconnect();
    startedAt = Instant.now();
    startNanos = System.nanoTime();
    pacer.start();
  }

  /** Opens the long-lived connections of the kinds in the mix, waiting at most a bounded time. */
  private void preconnect() {
    boolean keepAlive = spec.mix().weight(TrafficKind.KEEP_ALIVE) > 0;
    boolean h2 = spec.mix().weight(TrafficKind.H2C) > 0;
    int total = 0;
    for (Lane lane : lanes) {
      total += lane.preconnectCount(keepAlive, h2);
    }
    if (total == 0) {
      return;
    }
    CountDownLatch opened = new CountDownLatch(total);
    for (Lane lane : lanes) {
      lane.preconnect(keepAlive, h2, opened);
    }
    try {
      opened.await(
          Math.min(PRECONNECT_WAIT.toMillis(), spec.requestTimeout().toMillis()),
          TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void runPacer() {
    boolean finishedSchedule = false;
    long sendingEnd = startNanos;
    try {
      long total = schedule.totalRequests();
      TrafficKind[] cycle = spec.mix().cycle();
      long timeoutNanos = spec.requestTimeout().toNanos();
      long nextTick = startNanos + SECOND;
      long keepAliveCount = 0;
      long connectionCloseCount = 0;
      long h2cCount = 0;
      @SuppressWarnings("unchecked")
      List<RequestAttempt>[] batches = new List[lanes.length];
      for (int i = 0; i < lanes.length; i++) {
        batches[i] = new ArrayList<>();
      }
      long seq = 0;
      while (seq < total && !stopRequested) {
        long now = System.nanoTime();
        if (now >= nextTick) {
          tick();
          nextTick += SECOND;
        }
        long due = startNanos + schedule.intendedOffsetNanos(seq);
        if (now < due) {
          LockSupport.parkNanos(Math.min(due, nextTick) - now);
          continue;
        }
        for (; seq < total && startNanos + schedule.intendedOffsetNanos(seq) <= now; seq++) {
          long intended = startNanos + schedule.intendedOffsetNanos(seq);
          TrafficKind kind = TrafficMix.kindOf(cycle, seq);
          int lane;
          int route = 0;
          switch (kind) {
            case KEEP_ALIVE ->
                lane = keepAliveLaneOfSlot[(int) (keepAliveCount++ % keepAliveLaneOfSlot.length)];
            case CONNECTION_CLOSE -> lane = (int) (connectionCloseCount++ % lanes.length);
            default -> {
              int slot = (int) (h2cCount++ % h2cLaneOfSlot.length);
              lane = h2cLaneOfSlot[slot];
              route = h2cRouteOfSlot[slot];
            }
          }
          RequestAttempt attempt =
              new RequestAttempt(seq, kind, intended, intended + timeoutNanos, route, recorder);
          recorder.created();
          if (now >= attempt.deadlineNanos) {
            recorder.notSent(seq, Lane.FELL_BEHIND);
          } else {
            batches[lane].add(attempt);
          }
        }
        scheduled = seq;
        for (int i = 0; i < lanes.length; i++) {
          if (!batches[i].isEmpty()) {
            lanes[i].dispatch(batches[i]);
            batches[i] = new ArrayList<>();
          }
        }
      }
      scheduled = seq;
      sendingEnd = Math.min(System.nanoTime(), startNanos + spec.duration().toNanos());
      long drainDeadline = System.nanoTime() + timeoutNanos + DRAIN_GRACE_NANOS;
      while (recorder.outstanding() > 0 && System.nanoTime() < drainDeadline) {
        long now = System.nanoTime();
        if (now >= nextTick) {
          tick();
          nextTick += SECOND;
        }
        LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
      }
      finishedSchedule = seq == total;
    } catch (RuntimeException | Error e) {
      teardown();
      completion.completeExceptionally(e);
      return;
    }
    Duration cpu = generatorCpu();
    teardown();
    Instant endedAt = Instant.now();
    completion.complete(
        new LoadReport(
            spec,
            startedAt,
            endedAt,
            Duration.ofNanos(sendingEnd - startNanos),
            !finishedSchedule,
            scheduled,
            recorder.log(),
            marks,
            recorder.messageSamples(),
            recorder.notSentReasons(),
            recorder.dispatchLag(),
            cpu,
            transport.name()));
  }

  private void tick() {
    Histogram lastSecond = recorder.takeIntervalLatency();
    lastSecondP99Micros = lastSecond.getTotalCount() == 0 ? 0 : lastSecond.getValueAtPercentile(99);
    lastSecondMaxMicros = lastSecond.getMaxValue();
  }

  private Duration generatorCpu() {
    ThreadMXBean mx = ManagementFactory.getThreadMXBean();
    if (!mx.isThreadCpuTimeSupported()) {
      return Duration.ZERO;
    }
    long nanos = Math.max(0, mx.getCurrentThreadCpuTime());
    for (Thread thread : ioThreads) {
      nanos += Math.max(0, mx.getThreadCpuTime(thread.getId()));
    }
    return Duration.ofNanos(nanos);
  }

  /** Closes every connection; bounded, so a wedged event loop cannot keep the run from ending. */
  private void teardown() {
    group.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(TEARDOWN_WAIT_MILLIS);
  }

  @Override
  public LoadSpec spec() {
    return spec;
  }

  @Override
  public Mark mark(String label) {
    long offset = Math.max(0, System.nanoTime() - startNanos);
    Mark mark = new Mark(label, startedAt.plusNanos(offset), Duration.ofNanos(offset));
    marks.add(mark);
    return mark;
  }

  @Override
  public LoadProgress progress() {
    return new LoadProgress(
        Duration.ofNanos(System.nanoTime() - startNanos),
        scheduled,
        recorder.ok(),
        recorder.dropped(),
        recorder.notSent(),
        recorder.outstanding(),
        lastSecondP99Micros,
        lastSecondMaxMicros);
  }

  @Override
  public void stop() {
    stopRequested = true;
    LockSupport.unpark(pacer);
  }

  @Override
  public boolean isDone() {
    return completion.isDone();
  }

  @Override
  public CompletableFuture<LoadReport> completion() {
    return completion;
  }

  @Override
  public LoadReport awaitCompletion() throws InterruptedException {
    try {
      return completion.get();
    } catch (ExecutionException e) {
      throw new IllegalStateException("load run failed", e.getCause());
    }
  }

  @Override
  public LoadReport awaitCompletion(Duration timeout)
      throws InterruptedException, TimeoutException {
    try {
      return completion.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
    } catch (ExecutionException e) {
      throw new IllegalStateException("load run failed", e.getCause());
    }
  }

  @Override
  public void close() {
    stop();
    boolean interrupted = false;
    while (!completion.isDone()) {
      try {
        completion.get();
      } catch (InterruptedException e) {
        interrupted = true;
      } catch (ExecutionException e) {
        break;
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }
}
