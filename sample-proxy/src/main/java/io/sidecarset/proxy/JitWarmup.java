package io.sidecarset.proxy;

import io.netty.buffer.Unpooled;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpVersion;
import io.sidecarset.proxy.echo.EchoServer;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Drives requests through a private copy of the proxy pipeline (client connection, proxy, pooled
 * upstream connection, an in-process echo app), all on loopback ephemeral ports and on the real
 * event loops, before this process asks for the listener: the first requests after a takeover then
 * run compiled code instead of the interpreter (Envoy also initialises fully before it takes over).
 * The application behind the real upstream never sees these requests.
 */
final class JitWarmup {

  private static final int CHAINS = 8;

  private JitWarmup() {}

  /** Returns the number of requests answered with 200 (within {@code timeout}). */
  static int run(EventLoopGroup group, String version, int requests, Duration timeout)
      throws Exception {
    if (requests <= 0) {
      return 0;
    }
    HostPort loopback = new HostPort("127.0.0.1", 0);
    try (EchoServer app = EchoServer.start(loopback, group, 1)) {
      InetSocketAddress appAddress = app.localAddress();
      ProxyServer proxy =
          new ProxyServer(
              version, new HostPort("127.0.0.1", appAddress.getPort()), timeout, group, 0);
      InetSocketAddress proxyAddress = proxy.bind(loopback, Duration.ZERO);
      UpstreamPools clients =
          new UpstreamPools(
              EpollSocketChannel::new, new HostPort("127.0.0.1", proxyAddress.getPort()), timeout);
      AtomicInteger left = new AtomicInteger(requests);
      AtomicInteger ok = new AtomicInteger();
      CountDownLatch chainsDone = new CountDownLatch(CHAINS);
      for (int i = 0; i < CHAINS; i++) {
        EventLoop loop = group.next();
        UpstreamPool client = clients.forLoop(loop);
        loop.execute(() -> next(client, left, ok, chainsDone));
      }
      chainsDone.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
      left.set(0);
      clients.closeAll();
      proxy.closeListener();
      proxy.drain(Duration.ofMillis(200));
      proxy.shutdown(Duration.ZERO);
      return ok.get();
    }
  }

  private static void next(
      UpstreamPool client, AtomicInteger left, AtomicInteger ok, CountDownLatch chainsDone) {
    if (left.getAndDecrement() <= 0) {
      chainsDone.countDown();
      return;
    }
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
          next(client, left, ok, chainsDone);
        });
  }
}
