package io.sidecarset.loadgen;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import java.net.InetSocketAddress;
import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * The connections of one event loop. The pacer hands each request to a lane; from then on
 * everything about that request (connect, write, response, timeout) happens on the lane's event
 * loop, so no state here needs a lock.
 */
final class Lane {
  /** How often overdue requests are timed out; a timeout is recorded at most this much late. */
  static final long SWEEP_MILLIS = 5;

  static final String FELL_BEHIND =
      "the generator fell behind: the request's deadline passed before it could be dispatched";
  private final EventLoop loop;
  private final LoadSpec spec;
  private final InetSocketAddress address;
  private final Bootstrap bootstrap;
  private final RunRecorder recorder;
  private final SocketBudget sockets;
  private final String timeoutDescription;
  private final ArrayDeque<KeepAliveSlot> idleKeepAlive = new ArrayDeque<>();
  private final ArrayDeque<RequestAttempt> waitingForKeepAlive = new ArrayDeque<>();
  private final H2cConnection[] h2c;

  /**
   * Every request dispatched here and not yet known to be finished, in dispatch order. Deadlines
   * are intended time + one fixed timeout and dispatch follows intended time, so this is also
   * deadline order: the sweep only ever looks at the head. (One scheduled timer per request would
   * cost a priority-queue insert and removal each, the generator's biggest CPU item at 5k req/s.)
   */
  private final ArrayDeque<RequestAttempt> byDeadline = new ArrayDeque<>();

  /** A keep-alive pool entry; holds at most one connection, which carries one request at a time. */
  private static final class KeepAliveSlot {
    Http1Connection connection;
  }

  Lane(
      EventLoop loop,
      IoTransport transport,
      LoadSpec spec,
      RunRecorder recorder,
      SocketBudget sockets,
      int keepAliveSlots,
      int h2cSlots) {
    this.loop = loop;
    this.spec = spec;
    this.address = spec.address();
    this.recorder = recorder;
    this.sockets = sockets;
    this.timeoutDescription =
        "no complete response within " + spec.requestTimeout().toMillis() + "ms of intended send";
    this.bootstrap =
        new Bootstrap()
            .group(loop)
            .channel(transport.socketChannel())
            .option(ChannelOption.TCP_NODELAY, true)
            .option(
                ChannelOption.CONNECT_TIMEOUT_MILLIS,
                (int) Math.min(Integer.MAX_VALUE, spec.requestTimeout().toMillis()));
    for (int i = 0; i < keepAliveSlots; i++) {
      idleKeepAlive.addLast(new KeepAliveSlot());
    }
    this.h2c = new H2cConnection[h2cSlots];
    loop.scheduleAtFixedRate(
        this::expireOverdue, SWEEP_MILLIS, SWEEP_MILLIS, TimeUnit.MILLISECONDS);
  }

  /** Times out every request whose deadline has passed; drops finished ones from the head. */
  private void expireOverdue() {
    long now = System.nanoTime();
    for (RequestAttempt head; (head = byDeadline.peekFirst()) != null; ) {
      if (!head.isFinished()) {
        if (now - head.deadlineNanos < 0) {
          return;
        }
        head.expire(timeoutDescription);
      }
      byDeadline.pollFirst();
    }
  }

  /**
   * Opens every keep-alive and h2c connection of this lane before the run starts, so the first
   * requests find warm, established connections as in steady state. Counts {@code opened} down once
   * per connection attempt, whatever its result; a failed one is replaced on first use.
   */
  void preconnect(boolean keepAlive, boolean h2, CountDownLatch opened) {
    loop.execute(
        () -> {
          if (keepAlive) {
            for (KeepAliveSlot slot : idleKeepAlive) {
              slot.connection = new Http1Connection(spec.path(), spec.authority(), false);
              slot.connection.connectIdle(bootstrap, address).addListener(f -> opened.countDown());
            }
          }
          if (h2) {
            for (int i = 0; i < h2c.length; i++) {
              h2c[i] = new H2cConnection(spec.path(), spec.authority(), this::submitH2c);
              h2c[i].connect(bootstrap, address).addListener(f -> opened.countDown());
            }
          }
        });
  }

  /** How many connections {@link #preconnect} opens. */
  int preconnectCount(boolean keepAlive, boolean h2) {
    return (keepAlive ? idleKeepAlive.size() : 0) + (h2 ? h2c.length : 0);
  }

  /** Hands a batch of due requests to this lane; called by the pacer thread. */
  void dispatch(List<RequestAttempt> batch) {
    loop.execute(
        () -> {
          for (RequestAttempt attempt : batch) {
            dispatch(attempt);
          }
        });
  }

  private void dispatch(RequestAttempt attempt) {
    long now = System.nanoTime();
    if (now >= attempt.deadlineNanos) {
      recorder.notSent(attempt.sequence, FELL_BEHIND); // never on the wire
      return;
    }
    recorder.dispatched(now - attempt.intendedNanos);
    byDeadline.addLast(attempt);
    switch (attempt.kind) {
      case KEEP_ALIVE -> submitKeepAlive(attempt);
      case CONNECTION_CLOSE -> submitConnectionClose(attempt);
      case H2C -> submitH2c(attempt);
    }
  }

  private void submitKeepAlive(RequestAttempt attempt) {
    KeepAliveSlot slot = idleKeepAlive.pollFirst();
    if (slot == null) {
      attempt.stage("waiting for a free keep-alive connection");
      waitingForKeepAlive.addLast(attempt); // all busy: it waits, its latency clock running
      return;
    }
    sendOn(slot, attempt);
  }

  private void sendOn(KeepAliveSlot slot, RequestAttempt attempt) {
    attempt.onFinish(() -> keepAliveFinished(slot));
    Http1Connection connection = slot.connection;
    if (connection != null && connection.reusable()) {
      connection.send(attempt);
      return;
    }
    if (connection != null) {
      connection.close();
    }
    // a new connection for a new request (the previous one was closed): not a retry
    slot.connection = new Http1Connection(spec.path(), spec.authority(), false);
    slot.connection.connect(bootstrap, address, attempt);
  }

  private void keepAliveFinished(KeepAliveSlot slot) {
    Http1Connection connection = slot.connection;
    if (connection != null && !connection.reusable()) {
      connection.close();
      slot.connection = null;
    }
    // via the task queue, so a burst of synchronous failures cannot recurse through the queue
    loop.execute(() -> releaseKeepAlive(slot));
  }

  private void releaseKeepAlive(KeepAliveSlot slot) {
    for (RequestAttempt next; (next = waitingForKeepAlive.pollFirst()) != null; ) {
      if (!next.isFinished()) {
        sendOn(slot, next);
        return;
      }
    }
    idleKeepAlive.addLast(slot);
  }

  private void submitConnectionClose(RequestAttempt attempt) {
    Runnable release = sockets.tryAcquire();
    if (release == null) {
      attempt.abandon(
          "the generator reached its socket budget ("
              + sockets.limit()
              + " connection-close sockets open; the process's descriptor limit minus headroom)");
      return;
    }
    Http1Connection connection = new Http1Connection(spec.path(), spec.authority(), true);
    attempt.onFinish(() -> connection.closeAfter(attempt.outcome()));
    connection.connect(bootstrap, address, attempt).addListener(gone -> release.run());
  }

  private void submitH2c(RequestAttempt attempt) {
    int slot = attempt.route;
    H2cConnection connection = h2c[slot];
    if (connection == null || !connection.acceptsNewStreams()) {
      connection = new H2cConnection(spec.path(), spec.authority(), this::submitH2c);
      h2c[slot] = connection;
      connection.connect(bootstrap, address);
    }
    connection.submit(attempt);
  }
}
