package io.sidecarset.loadgen;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class OpenLoopScheduleTest {

  @ParameterizedTest(name = "{0}/s for {1} ms schedules {2} requests")
  @CsvSource({
    "2000, 60000, 120000",
    "5000, 20000, 100000",
    "3, 1000, 3",
    "0.5, 10000, 5",
    "1000, 1, 1",
    "7, 999, 7",
  })
  void totalRequests_isRateTimesDuration(double rate, long millis, long expected) {
    assertThat(new OpenLoopSchedule(rate, Duration.ofMillis(millis)).totalRequests())
        .isEqualTo(expected);
  }

  @Test
  void intendedOffsets_areEvenlySpacedFromZero() {
    OpenLoopSchedule schedule = new OpenLoopSchedule(4, Duration.ofSeconds(1));
    assertThat(schedule.intendedOffsetNanos(0)).isZero();
    assertThat(schedule.intendedOffsetNanos(1)).isEqualTo(250_000_000L);
    assertThat(schedule.intendedOffsetNanos(3)).isEqualTo(750_000_000L);
  }

  @Test
  void firstSequenceAtOrAfter_agreesWithTheOffsets() {
    OpenLoopSchedule schedule = new OpenLoopSchedule(3, Duration.ofSeconds(10));
    for (long offset = 0; offset < 3_000_000_000L; offset += 37_000_001L) {
      long seq = schedule.firstSequenceAtOrAfter(offset);
      assertThat(schedule.intendedOffsetNanos(seq)).isGreaterThanOrEqualTo(offset);
      if (seq > 0) {
        assertThat(schedule.intendedOffsetNanos(seq - 1)).isLessThan(offset);
      }
    }
  }

  @Test
  void rejectsNonPositiveRateAndDuration() {
    assertThatThrownBy(() -> new OpenLoopSchedule(0, Duration.ofSeconds(1)))
        .hasMessageContaining("rate must be > 0");
    assertThatThrownBy(() -> new OpenLoopSchedule(Double.NaN, Duration.ofSeconds(1)))
        .hasMessageContaining("rate must be > 0");
    assertThatThrownBy(() -> new OpenLoopSchedule(10, Duration.ZERO))
        .hasMessageContaining("duration must be > 0");
  }
}
