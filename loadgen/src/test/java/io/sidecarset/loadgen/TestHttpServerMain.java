package io.sidecarset.loadgen;

import io.sidecarset.loadgen.TestHttpServer.Action;
import io.sidecarset.loadgen.TestHttpServer.Behavior;

/**
 * The trivial loopback server the generator's own benchmark runs against, in its own JVM (so the
 * generator's CPU can be measured apart from it): {@code TestHttpServerMain PORT MAX_SECONDS}. It
 * answers every request 200 and exits by itself after MAX_SECONDS.
 */
public final class TestHttpServerMain {
  private TestHttpServerMain() {}

  public static void main(String[] args) throws InterruptedException {
    int port = Integer.parseInt(args[0]);
    long maxSeconds = Long.parseLong(args[1]);
    try (TestHttpServer server = TestHttpServer.startLean(Behavior.always(Action.OK), port)) {
      System.out.println("test server listening on 127.0.0.1:" + server.port());
      Thread.sleep(maxSeconds * 1000);
      System.out.println("test server served " + server.received() + " requests, exiting");
    }
  }
}
