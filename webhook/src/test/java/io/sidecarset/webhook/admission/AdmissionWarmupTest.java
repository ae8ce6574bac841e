package io.sidecarset.webhook.admission;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class AdmissionWarmupTest {

  @Test
  void run_whenBudgetSuffices_runsEveryRoundThroughTheRealPath() {
    assertThat(AdmissionWarmup.run(50, Duration.ofSeconds(30), Clock.systemUTC())).isEqualTo(50);
  }

  @Test
  void run_whenBudgetIsSpent_stopsEarly() {
    assertThat(AdmissionWarmup.run(1_000_000, Duration.ZERO, Clock.systemUTC())).isZero();
  }

  @Test
  void run_whenNoRoundsWanted_doesNothing() {
    assertThat(AdmissionWarmup.run(0, Duration.ofSeconds(30), Clock.systemUTC())).isZero();
  }
}
