package io.sidecarset.loadgen;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.EnumMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class TrafficMixTest {

  @Test
  void parse_allThreeKinds() {
    assertThat(TrafficMix.parse("keepalive=60,close=20,h2=20"))
        .isEqualTo(TrafficMix.of(60, 20, 20));
  }

  @Test
  void parse_leftOutKindsGetZero_andSpacesAndCaseAreIgnored() {
    assertThat(TrafficMix.parse(" H2 = 5 , keepalive=1")).isEqualTo(TrafficMix.of(1, 0, 5));
  }

  @Test
  void toString_isTheParsedForm() {
    TrafficMix mix = TrafficMix.of(3, 0, 7);
    assertThat(TrafficMix.parse(mix.toString())).isEqualTo(mix);
  }

  @ParameterizedTest(name = "''{0}'' is rejected naming ''{1}''")
  @CsvSource(
      delimiter = '|',
      value = {
        "keepalive=60,tcp=20 | unknown traffic kind 'tcp'",
        "keepalive=60,keepalive=1 | given twice",
        "keepalive=sixty | not an integer",
        "keepalive | expected kind=weight",
        "keepalive=0,close=0 | at least one weight > 0",
        "keepalive=-1,close=2 | must be >= 0",
        "keepalive=100001 | at most 100000",
      })
  void parse_rejectsBadMixes(String text, String message) {
    assertThatThrownBy(() -> TrafficMix.parse(text))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(message);
  }

  @Test
  void kindOf_everyWindowOfOneCycleCarriesTheExactWeights() {
    TrafficMix mix = TrafficMix.of(60, 20, 20); // reduces to a cycle of 5: 3 + 1 + 1
    for (long start = 0; start < 50; start++) {
      Map<TrafficKind, Integer> counts = countKinds(mix, start, 5);
      assertThat(counts)
          .as("window starting at %d", start)
          .containsEntry(TrafficKind.KEEP_ALIVE, 3)
          .containsEntry(TrafficKind.CONNECTION_CLOSE, 1)
          .containsEntry(TrafficKind.H2C, 1);
    }
  }

  @Test
  void kindOf_smallWeightsAreSpreadNotBunched() {
    TrafficMix mix = TrafficMix.of(97, 2, 1);
    Map<TrafficKind, Integer> counts = countKinds(mix, 0, 100);
    assertThat(counts)
        .containsEntry(TrafficKind.KEEP_ALIVE, 97)
        .containsEntry(TrafficKind.CONNECTION_CLOSE, 2)
        .containsEntry(TrafficKind.H2C, 1);
    // the two close requests sit in different halves of the cycle
    assertThat(countKinds(mix, 0, 50).get(TrafficKind.CONNECTION_CLOSE)).isEqualTo(1);
  }

  @Test
  void kindOf_singleKindMix_isAlwaysThatKind() {
    TrafficMix mix = TrafficMix.only(TrafficKind.H2C);
    assertThat(countKinds(mix, 0, 1000)).containsEntry(TrafficKind.H2C, 1000);
  }

  @Test
  void kindOf_isAPureFunctionOfTheSequenceNumber() {
    TrafficMix mix = TrafficMix.of(5, 3, 2);
    assertThat(mix.kindOf(1_234_567)).isEqualTo(mix.kindOf(1_234_567 % 10));
  }

  private static Map<TrafficKind, Integer> countKinds(TrafficMix mix, long start, int length) {
    Map<TrafficKind, Integer> counts = new EnumMap<>(TrafficKind.class);
    for (TrafficKind kind : TrafficKind.values()) {
      counts.put(kind, 0);
    }
    for (long seq = start; seq < start + length; seq++) {
      counts.merge(mix.kindOf(seq), 1, Integer::sum);
    }
    return counts;
  }
}
