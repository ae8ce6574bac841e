package io.sidecarset.core.match;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.LabelSelectorBuilder;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class LabelSelectorOverlapTest {

  /** {@code "a=b"}, {@code "a in (b,c)"}, {@code "a notin (b)"}, {@code "a"}, {@code "!a"}. */
  private static LabelSelector parse(String... terms) {
    LabelSelectorBuilder builder = new LabelSelectorBuilder();
    for (String term : terms) {
      if (term.contains(" in ") || term.contains(" notin ")) {
        boolean in = term.contains(" in ");
        String[] parts = term.split(in ? " in " : " notin ");
        List<String> values = Arrays.asList(parts[1].replace("(", "").replace(")", "").split(","));
        builder
            .addNewMatchExpression()
            .withKey(parts[0])
            .withOperator(in ? "In" : "NotIn")
            .withValues(values)
            .endMatchExpression();
      } else if (term.contains("=")) {
        String[] parts = term.split("=");
        builder.addToMatchLabels(parts[0], parts[1]);
      } else if (term.startsWith("!")) {
        builder
            .addNewMatchExpression()
            .withKey(term.substring(1))
            .withOperator("DoesNotExist")
            .endMatchExpression();
      } else {
        builder.addNewMatchExpression().withKey(term).withOperator("Exists").endMatchExpression();
      }
    }
    return builder.build();
  }

  private static Arguments scenario(String a, String b, boolean overlaps) {
    return Arguments.of(
        Named.of("{" + a + "} vs {" + b + "}", parse(split(a))), parse(split(b)), overlaps);
  }

  private static String[] split(String terms) {
    return terms.isEmpty() ? new String[0] : terms.split(";\\s*");
  }

  static Stream<Arguments> scenarios() {
    return Stream.of(
        scenario("app=web", "app=web", true),
        scenario("app=web", "app=api", false),
        scenario("app=web", "tier=front", true),
        scenario("app=web; tier=front", "app=web; tier=back", false),
        scenario("app in (web,api)", "app=api", true),
        scenario("app in (web,api)", "app in (db,cache)", false),
        scenario("app in (web,api)", "app notin (web,api)", false),
        scenario("app in (web,api)", "app notin (web)", true),
        scenario("app notin (web)", "app notin (api)", true),
        scenario("app notin (web)", "!app", true),
        scenario("app", "!app", false),
        scenario("app=web", "!app", false),
        scenario("app", "app=web", true),
        scenario("", "app=web", true),
        scenario("", "", true),
        scenario("a=1; b in (x,y)", "b in (y,z); c", true),
        scenario("a=1; b in (x,y)", "b in (z); c", false));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("scenarios")
  void overlaps(LabelSelector a, LabelSelector b, boolean expected) {
    assertThat(LabelSelectorOverlap.overlaps(a, b)).isEqualTo(expected);
    assertThat(LabelSelectorOverlap.overlaps(b, a)).as("symmetric").isEqualTo(expected);
  }

  @org.junit.jupiter.api.Test
  void nullSelectsNothing() {
    assertThat(LabelSelectorOverlap.overlaps(null, parse("app=web"))).isFalse();
  }
}
