package io.sidecarset.proxy;

import io.netty.buffer.Unpooled;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpVersion;
import io.sidecarset.proxy.echo.EchoServer;
import java.lang.management.CompilationMXBean;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Rehearses the takeover inside this process before the real one, so that the real one and the
 * first requests after it run compiled, initialised code (Envoy also initialises fully before it
 * takes over): a private proxy binds a loopback ephemeral port, a second private proxy takes its
 * listener over through the same handoff code (junixsocket, SCM_RIGHTS, dup, registration, the old
 * side's stop), and requests run through it to an in-process echo app, on the real event loops. The
 * application behind the real upstream never sees these requests.
 */
final class JitWarmup {

  private static final Logger LOG = LoggerFactory.getLogger(JitWarmup.class);

  private static final int CHAINS = 8;

  /** The JIT counts as done when its compilation time has not grown for this long. */
  static final Duration COMPILER_QUIET = Duration.ofMillis(150);

  private JitWarmup() {}

  /**
   * Waits until the JIT has compiled what the warm-up made hot (at most {@code max}): its total
   * compilation time stops growing for {@link #COMPILER_QUIET}, so that the compilations the
   * warm-up queued run while the predecessor still serves, not on the same cores as this process's
   * first seconds of traffic. (The image's flags also run the compiler threads at nice 10, so that
   * traffic preempts them; at nice 19 they starved under load.) Returns how long it waited.
   */
  static Duration awaitCompilerQuiet(Duration max) throws InterruptedException {
    CompilationMXBean jit = ManagementFactory.getCompilationMXBean();
    long t0 = System.nanoTime();
    if (jit == null || !jit.isCompilationTimeMonitoringSupported()) {
      return Duration.ZERO;
    }
    long deadline = t0 + max.toNanos();
    long last = jit.getTotalCompilationTime();
    long quietSince = System.nanoTime();
    while (System.nanoTime() < deadline) {
      Thread.sleep(10);
      long now = jit.getTotalCompilationTime();
      if (now != last) {
        last = now;
        quietSince = System.nanoTime();
      } else if (System.nanoTime() - quietSince >= COMPILER_QUIET.toNanos()) {
        break;
      }
    }
    return Duration.ofNanos(System.nanoTime() - t0);
  }

  /** Returns the number of requests answered with 200 (within {@code timeout}). */
  static int run(
      ProxyLoops loops,
      String version,
      int requests,
      WarmupPace pace,
      Duration timeout,
      Path rehearsalSocket)
      throws Exception {
    if (requests <= 0) {
      return 0;
    }
    HostPort loopback = new HostPort("127.0.0.1", 0);
    try (EchoServer app = EchoServer.start(loopback, loops.transport(), loops.workers(), 1)) {
      HostPort appAddress = new HostPort("127.0.0.1", app.localAddress().getPort());
      ProxyServer first = new ProxyServer(version, appAddress, timeout, loops, false);
      ProxyServer second = new ProxyServer(version, appAddress, timeout, loops, false);
      first.bind(loopback, Duration.ZERO);
      HandoffServer handoff =
          new HandoffServer(
              rehearsalSocket,
              timeout,
              new HandoffServer.Listener() {
                @Override
                public int listenerFd() {
                  return first.listenerFd();
                }

                @Override
                public void stopAccepting() throws Exception {
                  first.stopAccepting();
                }

                @Override
                public void handedOver() {}
              },
              true);
      try {
        handoff.start();
        HandoffClient.Outcome outcome =
            HandoffClient.takeOver(rehearsalSocket, timeout, second::serveOn);
        if (!(outcome instanceof HandoffClient.Outcome.Taken taken)) {
          LOG.warn("warm-up handover did not work ({}); warming up without it", outcome);
          return drive(loops, first.localAddress(), requests, pace, timeout);
        }
        LOG.debug("warm-up handover: accepting after {} us", taken.registeredMicros());
        return drive(loops, second.localAddress(), requests, pace, timeout);
      } finally {
        handoff.close();
        Files.deleteIfExists(rehearsalSocket);
        for (ProxyServer p : new ProxyServer[] {second, first}) {
          if (p.hasListener()) {
            p.closeListener();
          }
          p.drain(Duration.ofMillis(200));
          p.shutdown(Duration.ZERO);
        }
      }
    }
  }

  /**
   * Runs the warm-up traffic in the mix the proxy serves: keep-alive HTTP/1.1, a new connection per
   * request ({@code Connection: close}) and h2c streams, three fifths, a fifth and a fifth.
   */
  private static int drive(
      ProxyLoops loops, InetSocketAddress proxy, int requests, WarmupPace pace, Duration timeout)
      throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    int h2 = requests / 5;
    int perConnection = requests / 5;
    var h2Done = H2WarmupClient.run(loops.transport(), loops.workers().next(), proxy, h2, pace);
    int ok = chains(loops, proxy, requests - h2 - perConnection, false, pace, remaining(deadline));
    ok += chains(loops, proxy, perConnection, true, pace, remaining(deadline));
    if (h2Done.await(remaining(deadline).toMillis()) && h2Done.isSuccess()) {
      ok += h2Done.getNow();
    }
    return ok;
  }

  /** What is left until {@code deadline} (at least 1 ms: a wait of 0 would wait forever). */
  private static Duration remaining(long deadline) {
    return Duration.ofNanos(Math.max(1_000_000, deadline - System.nanoTime()));
  }

  private static int chains(
      ProxyLoops loops,
      InetSocketAddress proxy,
      int requests,
      boolean connectionPerRequest,
      WarmupPace pace,
      Duration timeout)
      throws InterruptedException {
    UpstreamPools clients =
        new UpstreamPools(
            loops.transport().socketChannels(),
            new HostPort("127.0.0.1", proxy.getPort()),
            timeout,
            connectionPerRequest);
    AtomicInteger left = new AtomicInteger(requests);
    AtomicInteger ok = new AtomicInteger();
    CountDownLatch chainsDone = new CountDownLatch(CHAINS);
    for (int i = 0; i < CHAINS; i++) {
      EventLoop loop = loops.workers().next();
      Chain chain = new Chain(loop, clients.forLoop(loop), pace, left, ok, chainsDone);
      loop.execute(chain::next);
    }
    chainsDone.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    left.set(0);
    clients.closeAll();
    return ok.get();
  }

  /**
   * One request after another on one event loop, each at its paced slot, until the shared count
   * {@code left} runs out.
   */
  private record Chain(
      EventLoop loop,
      UpstreamPool client,
      WarmupPace pace,
      AtomicInteger left,
      AtomicInteger ok,
      CountDownLatch chainsDone) {

    void next() {
      if (left.getAndDecrement() <= 0) {
        chainsDone.countDown();
        return;
      }
      pace.runWhenDue(loop, this::send);
    }

    private void send() {
      var request =
          new DefaultFullHttpRequest(
              HttpVersion.HTTP_1_1, HttpMethod.GET, "/warmup", Unpooled.EMPTY_BUFFER);
      request.headers().set(HttpHeaderNames.HOST, "warmup");
      client.send(
          request,
          (FullHttpResponse response) -> {
            if (response.status().code() == 200) {
              ok.incrementAndGet();
            }
            response.release();
            next();
          });
    }
  }
}
