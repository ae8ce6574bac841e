package io.sidecarset.proxy;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One proxy process from start to SIGTERM: decides its role, then binds or takes the listener over,
 * serves, hands over to its successor, drains, and idles until its container is reset (it never
 * exits by itself after a handover: the kubelet would restart it).
 */
final class ProxyProcess {

  private static final Logger LOG = LoggerFactory.getLogger(ProxyProcess.class);

  /** Budget of the drain when SIGTERM arrives: the kubelet and the tests expect an exit in ~1 s. */
  static final Duration SHUTDOWN_DRAIN = Duration.ofMillis(700);

  /**
   * How long the warm-up may take beyond its paced duration ({@code requests / rate}) before the
   * takeover goes ahead anyway.
   */
  static final Duration WARMUP_TIMEOUT = Duration.ofSeconds(10);

  /** Longest wait for the JIT to finish compiling after the warm-up, before the takeover. */
  static final Duration COMPILER_WAIT_LIMIT = Duration.ofSeconds(3);

  /** Upstream connections opened per event loop before the takeover. */
  static final int PRECONNECT_PER_LOOP = 8;

  private final ProxyOptions options;
  private final RoleDecision role;
  private final Optional<ProcessState> state;
  private volatile ProxyServer server;
  private volatile HandoffServer handoff;
  private volatile boolean handedOver;

  ProxyProcess(ProxyOptions options, RoleDecision role, Map<String, String> env) {
    this.options = options;
    this.role = role;
    this.state = ProcessState.forEnvironment(env);
  }

  /** Runs until SIGTERM; returns only if start-up failed (the exit code). */
  int run() throws Exception {
    LOG.info(
        "sample-proxy {} pid {}: {}",
        options.version(),
        ProcessHandle.current().pid(),
        role.reason());
    Runtime.getRuntime().addShutdownHook(new Thread(this::onSigterm, "sigterm"));
    setState(ProcessState.State.STARTING);
    switch (role.role()) {
      case IDLE -> {
        setState(ProcessState.State.IDLE);
        LOG.info("idle: not binding, waiting for SIGTERM");
      }
      case BIND -> {
        server = newServer();
        prepareForTraffic(new WarmupPace(0)); // nobody is served yet: full speed
        bindOrFail();
      }
      case TAKE_OVER -> {
        server = newServer();
        prepareForTraffic(new WarmupPace(options.warmupRate()));
        takeOverOrBind();
      }
    }
    new CountDownLatch(1).await(); // the JVM exits on SIGTERM through the shutdown hook
    return 0;
  }

  private ProxyServer newServer() {
    Transport transport;
    try {
      transport = Transport.resolve(options.transport());
    } catch (IllegalStateException e) {
      fail(e.getMessage());
      throw e; // not reached: fail exits
    }
    String fallback =
        options.transport().isEmpty()
            ? Transport.ioUringUnavailability()
                .map(c -> " (io_uring unavailable: " + c + ")")
                .orElse("")
            : "";
    LOG.info("transport {} with {} worker loop(s){}", transport, options.workers(), fallback);
    ProxyLoops loops = ProxyLoops.start(transport, options.workers());
    return new ProxyServer(
        options.version(), options.upstream(), options.upstreamTimeout(), loops, true);
  }

  /**
   * Everything a process does before it takes traffic: a successor before it asks for the listener,
   * a first start before it binds (the pod is not ready before then anyway).
   */
  private void prepareForTraffic(WarmupPace pace) throws Exception {
    long t0 = System.nanoTime();
    Path rehearsalSocket = options.warmupSocket();
    int ok =
        JitWarmup.run(
            server.loops(),
            options.version(),
            options.warmupRequests(),
            pace,
            WARMUP_TIMEOUT.plus(pace.duration(options.warmupRequests())),
            rehearsalSocket);
    Duration compiling =
        options.warmupRequests() > 0
            ? JitWarmup.awaitCompilerQuiet(COMPILER_WAIT_LIMIT)
            : Duration.ZERO;
    long t1 = System.nanoTime();
    server.preconnect(PRECONNECT_PER_LOOP, Duration.ofSeconds(2));
    LOG.info(
        "ready for traffic: warm-up {}/{} requests in {} ms (of which {} ms waiting for the JIT),"
            + " upstream connections opened in {} ms; {} ms of CPU used since the JVM started",
        ok,
        options.warmupRequests(),
        (t1 - t0) / 1_000_000,
        compiling.toMillis(),
        (System.nanoTime() - t1) / 1_000_000,
        // what a successor's start costs the cores its predecessor serves on
        ProcessHandle.current().info().totalCpuDuration().map(Duration::toMillis).orElse(-1L));
  }

  private void takeOverOrBind() throws Exception {
    HandoffClient.Outcome outcome =
        HandoffClient.takeOver(
            options.handoffSocket(),
            options.handoffTimeout(),
            server::serveOn,
            Duration.ofMillis(Long.getLong(HandoffClient.PAUSE_AFTER_FD_PROPERTY, 0)));
    if (outcome instanceof HandoffClient.Outcome.Taken taken) {
      LOG.info(
          "took over {}: accepting {} us after receiving the fd; predecessor stopped accepting {}",
          taken.address(),
          taken.registeredMicros(),
          taken.predecessorStoppedMicros() < 0
              ? "(no word from it)"
              : String.format(
                  "%.3f ms after we received the fd", taken.predecessorStoppedMicros() / 1000.0));
      serving();
    } else if (outcome instanceof HandoffClient.Outcome.NoPredecessor none) {
      LOG.info("no predecessor ({}): binding {}", none.reason(), options.listen());
      bindOrFail();
    } else if (outcome instanceof HandoffClient.Outcome.Failed failed) {
      fail("takeover failed: " + failed.reason());
    }
  }

  private void bindOrFail() throws Exception {
    try {
      InetSocketAddress bound = server.bind(options.listen(), options.bindTimeout());
      LOG.info("listening on {}", bound);
      serving();
    } catch (java.io.IOException e) {
      fail(e.getMessage() + (e.getCause() != null ? ": " + e.getCause().getMessage() : ""));
    }
  }

  private void serving() throws Exception {
    handoff =
        new HandoffServer(
            options.handoffSocket(),
            options.handoffTimeout(),
            new HandoffServer.Listener() {
              @Override
              public int listenerFd() {
                return server.listenerFd();
              }

              @Override
              public void stopAccepting() throws Exception {
                server.stopAccepting();
              }

              @Override
              public void handedOver() {
                drainAfterHandover();
              }
            },
            false);
    handoff.start();
    setState(ProcessState.State.SERVING);
  }

  private void drainAfterHandover() {
    handedOver = true;
    int connections = server.openConnections();
    long t0 = System.nanoTime();
    LOG.info(
        "handed over; draining {} connections (deadline {})",
        connections,
        DurationText.format(options.drainTimeout()));
    // the drain completes on an event loop (the last connection's close): finish on a thread of
    // our own, since shutting the loops down from one of them would wait for itself
    server
        .drain(options.drainTimeout())
        .whenCompleteAsync(
            (v, e) -> {
              server.closeListener();
              server.shutdown(Duration.ofMillis(200));
              LOG.info(
                  "drained {} connections in {} ms; closed our copy of the listener; idle until SIGTERM",
                  connections,
                  (System.nanoTime() - t0) / 1_000_000);
              setState(ProcessState.State.IDLE);
              // no System.gc() here: with -Xms16m the full collection gave no memory back (the
              // heap stayed 15M committed) and cost 40-130 ms of CPU while the successor served
              // its first reconnections (-Xlog:gc in the 20-handoff chain)
            },
            r -> new Thread(r, "after-drain").start());
  }

  private void fail(String why) {
    LOG.error("{}; exiting", why);
    setState(ProcessState.State.FAILED);
    if (server != null) {
      server.shutdown(Duration.ZERO);
    }
    System.exit(1);
  }

  private void onSigterm() {
    long t0 = System.nanoTime();
    HandoffServer h = handoff;
    if (h != null) {
      h.close();
    }
    ProxyServer s = server;
    if (s != null) {
      try {
        if (!handedOver && s.hasListener() && s.isServing()) {
          s.stopAccepting();
        }
        s.drain(SHUTDOWN_DRAIN).get(SHUTDOWN_DRAIN.toMillis() + 200, TimeUnit.MILLISECONDS);
      } catch (Exception e) {
        LOG.debug("drain at shutdown: {}", e.toString());
      }
      s.shutdown(Duration.ofMillis(100));
    }
    LOG.info("SIGTERM: exiting after {} ms", (System.nanoTime() - t0) / 1_000_000);
  }

  private void setState(ProcessState.State s) {
    state.ifPresent(f -> f.write(s));
  }
}
