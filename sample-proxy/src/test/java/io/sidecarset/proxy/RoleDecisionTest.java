package io.sidecarset.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sidecarset.api.SidecarSetEnv;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class RoleDecisionTest {

  static Stream<Arguments> cases() {
    return Stream.of(
        // scenario, SIDECARSET_VERSION, SIDECARSET_VERSION_ALT, expected role
        Arguments.of("plain container, no hot-upgrade env", null, null, HandoffRole.BIND),
        Arguments.of("env present but empty", "", " ", HandoffRole.BIND),
        Arguments.of("version unset, alt set: still not a slot", null, "3", HandoffRole.BIND),
        Arguments.of("first slot at injection (1, 0)", "1", "0", HandoffRole.BIND),
        Arguments.of("first start with alt unset", "1", null, HandoffRole.BIND),
        Arguments.of("serving slot after the reset (5, 0)", "5", "0", HandoffRole.BIND),
        Arguments.of("empty slot at injection (0, 0)", "0", "0", HandoffRole.IDLE),
        Arguments.of("empty slot after a reset (0, 4)", "0", "4", HandoffRole.IDLE),
        Arguments.of("new side of the first upgrade (2, 1)", "2", "1", HandoffRole.TAKE_OVER),
        Arguments.of("new side of the 20th upgrade (21, 20)", "21", "20", HandoffRole.TAKE_OVER),
        Arguments.of("new side, counters far apart (9, 2)", "9", "2", HandoffRole.TAKE_OVER),
        Arguments.of("old side restarted mid-upgrade (1, 2)", "1", "2", HandoffRole.IDLE),
        Arguments.of("equal counters, never written: take over", "3", "3", HandoffRole.TAKE_OVER),
        Arguments.of("values with spaces", " 2 ", " 1", HandoffRole.TAKE_OVER),
        Arguments.of(
            "counters beyond int range", "4294967297", "4294967296", HandoffRole.TAKE_OVER));
  }

  @ParameterizedTest(name = "{0}: VERSION={1} ALT={2} -> {3}")
  @MethodSource("cases")
  void decidesRoleFromVersionCounters(
      String scenario, String version, String alt, HandoffRole expected) {
    RoleDecision d = RoleDecision.decide(version, alt);
    assertThat(d.role()).as(scenario).isEqualTo(expected);
    assertThat(d.reason()).isNotBlank();
  }

  static Stream<Arguments> invalid() {
    return Stream.of(
        Arguments.of("v1", "0", "SIDECARSET_VERSION"),
        Arguments.of("-1", "0", "SIDECARSET_VERSION"),
        Arguments.of("2", "x", "SIDECARSET_VERSION_ALT"),
        Arguments.of("2", "-3", "SIDECARSET_VERSION_ALT"));
  }

  @ParameterizedTest(name = "VERSION={0} ALT={1} is rejected naming {2}")
  @MethodSource("invalid")
  void rejectsNonNumericOrNegativeCounters(String version, String alt, String named) {
    assertThatThrownBy(() -> RoleDecision.decide(version, alt))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith(named + " must be a non-negative integer");
  }

  @Test
  void readsTheKruiseEnvNames() {
    Map<String, String> env = new HashMap<>();
    env.put(SidecarSetEnv.SIDECARSET_VERSION, "2");
    env.put(SidecarSetEnv.SIDECARSET_VERSION_ALT, "1");
    assertThat(RoleDecision.fromEnvironment(env).role()).isEqualTo(HandoffRole.TAKE_OVER);
  }
}
