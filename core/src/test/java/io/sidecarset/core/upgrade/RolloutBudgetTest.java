package io.sidecarset.core.upgrade;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.IntOrString;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class RolloutBudgetTest {

  static Stream<Arguments> partitions() {
    return Stream.of(
        Arguments.of("absent keeps no pod back", null, 10, 0),
        Arguments.of("int=3 of 10", new IntOrString(3), 10, 3),
        Arguments.of("int=18 of 20", new IntOrString(18), 20, 18),
        Arguments.of("int larger than the pods is clamped", new IntOrString(50), 20, 20),
        Arguments.of("10% of 1000", new IntOrString("10%"), 1000, 100),
        Arguments.of("18% of 1000", new IntOrString("18%"), 1000, 180),
        Arguments.of("1% of 5 rounds up to 1", new IntOrString("1%"), 5, 1),
        Arguments.of("99% of 5 still upgrades one pod", new IntOrString("99%"), 5, 4),
        Arguments.of("100% of 5 upgrades none", new IntOrString("100%"), 5, 5),
        Arguments.of("50% of 1 keeps the only pod", new IntOrString("50%"), 1, 1),
        Arguments.of("0% keeps none", new IntOrString("0%"), 7, 0),
        Arguments.of("a numeric string is a count", new IntOrString("4"), 10, 4));
  }

  @ParameterizedTest(name = "partition: {0}")
  @MethodSource("partitions")
  void partition(String scenario, IntOrString partition, int matched, int expected) {
    assertThat(RolloutBudget.partition(partition, matched)).isEqualTo(expected);
  }

  static Stream<Arguments> maxUnavailables() {
    return Stream.of(
        Arguments.of("int=3", new IntOrString(3), 20, 3),
        Arguments.of("int=0 upgrades only pods that are not ready", new IntOrString(0), 20, 0),
        Arguments.of("5% of 5 rounds up to 1 (Kruise #1834)", new IntOrString("5%"), 5, 1),
        Arguments.of("5% of 1000", new IntOrString("5%"), 1000, 50),
        Arguments.of("10% of 15 rounds up to 2", new IntOrString("10%"), 15, 2),
        Arguments.of("100% of 1000", new IntOrString("100%"), 1000, 1000));
  }

  @ParameterizedTest(name = "maxUnavailable: {0}")
  @MethodSource("maxUnavailables")
  void maxUnavailable(String scenario, IntOrString value, int matched, int expected) {
    assertThat(RolloutBudget.maxUnavailable(value, matched)).isEqualTo(expected);
  }

  @org.junit.jupiter.api.Test
  void rejectsAStringThatIsNeitherACountNorAPercentage() {
    assertThatThrownBy(() -> RolloutBudget.maxUnavailable(new IntOrString("half"), 10))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("half");
  }
}
