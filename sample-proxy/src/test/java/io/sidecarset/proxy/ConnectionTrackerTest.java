package io.sidecarset.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.util.concurrent.MockTicker;
import io.netty.util.concurrent.Ticker;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.random.RandomGenerator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(BufferLeakCheck.class)
class ConnectionTrackerTest {

  /** One fake clock for the tracker and every connection's event loop. */
  private final MockTicker ticker = Ticker.newMockTicker();

  private final ConnectionTracker tracker =
      new ConnectionTracker(RandomGenerator.of("L64X128MixRandom"), ticker);

  /** A connection that records the drain events it receives. */
  private EmbeddedChannel connection(List<DrainStarted> seen) {
    return EmbeddedChannel.builder()
        .ticker(ticker)
        .handlers(
            new ChannelInboundHandlerAdapter() {
              @Override
              public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
                if (evt instanceof DrainStarted d) {
                  seen.add(d);
                }
              }
            })
        .build();
  }

  /** Lets {@code millis} of fake time pass and runs what fell due on {@code channels}. */
  private void pass(long millis, EmbeddedChannel... channels) {
    ticker.advance(millis, TimeUnit.MILLISECONDS);
    for (EmbeddedChannel ch : channels) {
      ch.runPendingTasks();
    }
  }

  @Test
  void drainCompletesWhenTheLastConnectionCloses() {
    List<DrainStarted> seen = new ArrayList<>();
    EmbeddedChannel a = connection(seen);
    EmbeddedChannel b = connection(seen);
    tracker.register(a);
    tracker.register(b);
    CompletableFuture<Void> drained = tracker.drain(Duration.ofSeconds(10));
    pass(ConnectionTracker.MAX_START_SPREAD.toMillis(), a, b);
    assertThat(seen).hasSize(2);
    assertThat(seen)
        .allSatisfy(
            d -> {
              assertThat(d.idleCloseAfter())
                  .isBetween(Duration.ofSeconds(8), Duration.ofSeconds(10));
              assertThat(d.deadline()).isLessThanOrEqualTo(Duration.ofSeconds(10));
            });
    a.close();
    assertThat(drained).isNotDone();
    b.close();
    assertThat(drained).isDone();
  }

  @Test
  void connectionsStartDrainingSpreadOverTheFirstSecondNotAllAtOnce() {
    List<DrainStarted> seen = new ArrayList<>();
    List<EmbeddedChannel> channels = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      EmbeddedChannel ch = connection(seen);
      channels.add(ch);
      tracker.register(ch);
    }
    EmbeddedChannel[] all = channels.toArray(EmbeddedChannel[]::new);
    tracker.drain(Duration.ofSeconds(30));

    List<Integer> toldByTenths = new ArrayList<>();
    for (int tenth = 1; tenth <= 10; tenth++) {
      pass(100, all);
      toldByTenths.add(seen.size());
    }
    // 40 uniform draws over 1 s: each tenth gets some, none gets them all (seeded, so exact)
    assertThat(toldByTenths.get(0)).isBetween(1, 12);
    assertThat(toldByTenths.get(4)).isBetween(10, 30);
    assertThat(toldByTenths.get(9)).isEqualTo(40);
    assertThat(seen)
        .allSatisfy(
            d ->
                assertThat(d.deadline()).isBetween(Duration.ofSeconds(29), Duration.ofSeconds(30)));
    channels.forEach(EmbeddedChannel::close);
  }

  @Test
  void aConnectionClosedBeforeItsTurnIsNotTold() {
    List<DrainStarted> seen = new ArrayList<>();
    EmbeddedChannel c = connection(seen);
    tracker.register(c);
    CompletableFuture<Void> drained = tracker.drain(Duration.ofSeconds(10));
    c.close();
    pass(ConnectionTracker.MAX_START_SPREAD.toMillis(), c);
    assertThat(seen).isEmpty();
    assertThat(drained).isDone();
  }

  @Test
  void drainWithNoConnectionsIsDoneAtOnce() {
    assertThat(tracker.drain(Duration.ofSeconds(5))).isDone();
    assertThat(tracker.isDraining()).isTrue();
  }

  @Test
  void aConnectionRegisteredDuringTheDrainIsToldAtOnce() {
    tracker.drain(Duration.ofSeconds(10));
    List<DrainStarted> seen = new ArrayList<>();
    EmbeddedChannel late = connection(seen);
    tracker.register(late);
    pass(ConnectionTracker.MAX_START_SPREAD.toMillis(), late);
    assertThat(seen).hasSize(1);
    late.close();
  }

  @Test
  void aShorterDrainBringsTheDeadlineForwardAndALongerOneIsIgnored() {
    List<DrainStarted> seen = new ArrayList<>();
    EmbeddedChannel c = connection(seen);
    tracker.register(c);
    tracker.drain(Duration.ofSeconds(30));
    tracker.drain(Duration.ofSeconds(60));
    pass(ConnectionTracker.MAX_START_SPREAD.toMillis(), c);
    tracker.drain(Duration.ofMillis(700));
    pass(175, c); // a quarter of the 700 ms: the whole spread of a short drain
    assertThat(seen).hasSize(2);
    assertThat(seen.get(1).deadline()).isLessThanOrEqualTo(Duration.ofMillis(700));
    c.close();
  }
}
