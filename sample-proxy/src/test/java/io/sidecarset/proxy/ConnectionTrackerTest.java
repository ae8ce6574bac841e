package io.sidecarset.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.random.RandomGenerator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(BufferLeakCheck.class)
class ConnectionTrackerTest {

  private final ConnectionTracker tracker =
      new ConnectionTracker(RandomGenerator.of("L64X128MixRandom"));

  /** A connection that records the drain events it receives. */
  private static EmbeddedChannel connection(List<DrainStarted> seen) {
    return new EmbeddedChannel(
        new ChannelInboundHandlerAdapter() {
          @Override
          public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
            if (evt instanceof DrainStarted d) {
              seen.add(d);
            }
          }
        });
  }

  @Test
  void drainCompletesWhenTheLastConnectionCloses() {
    List<DrainStarted> seen = new ArrayList<>();
    EmbeddedChannel a = connection(seen);
    EmbeddedChannel b = connection(seen);
    tracker.register(a);
    tracker.register(b);
    CompletableFuture<Void> drained = tracker.drain(Duration.ofSeconds(10));
    a.runPendingTasks();
    b.runPendingTasks();
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
    late.runPendingTasks();
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
    tracker.drain(Duration.ofMillis(700));
    c.runPendingTasks();
    assertThat(seen).hasSize(2);
    assertThat(seen.get(1).deadline()).isLessThanOrEqualTo(Duration.ofMillis(700));
    c.close();
  }
}
