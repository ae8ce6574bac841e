package io.sidecarset.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class WarmupPaceTest {

  private final AtomicLong now = new AtomicLong(1_000_000_000L);

  @Test
  void unpacedNeverWaits() {
    WarmupPace pace = new WarmupPace(0, now::get);
    for (int i = 0; i < 100; i++) {
      assertThat(pace.claimDelayNanos()).isZero();
    }
  }

  @Test
  void claimsInABurstAreSpacedOneIntervalApart() {
    WarmupPace pace = new WarmupPace(1_000, now::get); // 1 ms apart
    for (int k = 0; k < 50; k++) {
      assertThat(pace.claimDelayNanos()).as("claim %d", k).isEqualTo(k * 1_000_000L);
    }
  }

  @Test
  void aClaimAfterItsSlotGoesAtOnceAndTheNextOneIntervalLater() {
    WarmupPace pace = new WarmupPace(1_000, now::get);
    assertThat(pace.claimDelayNanos()).isZero();
    now.addAndGet(300_000);
    assertThat(pace.claimDelayNanos()).as("its slot is 0.7 ms away").isEqualTo(700_000);
    now.addAndGet(50_000_000); // the rehearsal's cores were busy: 50 slots missed
    assertThat(pace.claimDelayNanos()).as("due now").isZero();
    assertThat(pace.claimDelayNanos())
        .as("no burst to catch up: the next one a whole interval later")
        .isEqualTo(1_000_000);
  }

  @Test
  void durationIsWhatTheRequestsTakeAtThePace() {
    assertThat(new WarmupPace(1_000, now::get).duration(5_000)).isEqualTo(Duration.ofSeconds(5));
    assertThat(new WarmupPace(0, now::get).duration(5_000)).isZero();
  }

  @Test
  void aNegativeRateIsRefused() {
    assertThatThrownBy(() -> new WarmupPace(-1, now::get))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("-1");
  }
}
