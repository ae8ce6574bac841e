package io.sidecarset.core.match;

import static io.sidecarset.core.testing.SidecarSetFixtures.app;
import static io.sidecarset.core.testing.SidecarSetFixtures.pod;
import static io.sidecarset.core.testing.SidecarSetFixtures.selector;
import static io.sidecarset.core.testing.SidecarSetFixtures.sidecar;
import static io.sidecarset.core.testing.SidecarSetFixtures.sidecarSet;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.LabelSelectorBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.sidecarset.api.v1alpha1.SidecarSet;
import io.sidecarset.api.v1alpha1.SidecarSetInjectionStrategy;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class SidecarSetMatcherTest {

  private static final Map<String, String> MESH_NAMESPACE = Map.of("mesh", "enabled");

  private static Arguments scenario(
      String name,
      Consumer<SidecarSet> set,
      Consumer<Pod> pod,
      Map<String, String> namespaceLabels,
      SidecarSetMatch expected) {
    return Arguments.of(org.junit.jupiter.api.Named.of(name, set), pod, namespaceLabels, expected);
  }

  private static LabelSelector expression(String key, String operator, String... values) {
    return new LabelSelectorBuilder()
        .addNewMatchExpression()
        .withKey(key)
        .withOperator(operator)
        .withValues(values.length == 0 ? null : List.of(values))
        .endMatchExpression()
        .build();
  }

  static Stream<Arguments> scenarios() {
    Consumer<Pod> asIs = p -> {};
    return Stream.of(
        scenario(
            "selector matches the pod labels", s -> {}, asIs, Map.of(), SidecarSetMatch.MATCHED),
        scenario(
            "selector names another app",
            s -> s.getSpec().setSelector(selector("app", "api")),
            asIs,
            Map.of(),
            SidecarSetMatch.SELECTOR_MISMATCH),
        scenario(
            "selector In expression matches",
            s -> s.getSpec().setSelector(expression("app", "In", "web", "api")),
            asIs,
            Map.of(),
            SidecarSetMatch.MATCHED),
        scenario(
            "selector NotIn expression excludes the pod",
            s -> s.getSpec().setSelector(expression("app", "NotIn", "web")),
            asIs,
            Map.of(),
            SidecarSetMatch.SELECTOR_MISMATCH),
        scenario(
            "selector Exists expression matches",
            s -> s.getSpec().setSelector(expression("app", "Exists")),
            asIs,
            Map.of(),
            SidecarSetMatch.MATCHED),
        scenario(
            "selector DoesNotExist expression excludes the pod",
            s -> s.getSpec().setSelector(expression("app", "DoesNotExist")),
            asIs,
            Map.of(),
            SidecarSetMatch.SELECTOR_MISMATCH),
        scenario(
            "missing selector matches nothing",
            s -> s.getSpec().setSelector(null),
            asIs,
            Map.of(),
            SidecarSetMatch.SELECTOR_MISMATCH),
        scenario(
            "pod without labels does not match",
            s -> {},
            p -> p.getMetadata().setLabels(null),
            Map.of(),
            SidecarSetMatch.SELECTOR_MISMATCH),
        scenario(
            "spec.namespace equal to the pod's namespace",
            s -> s.getSpec().setNamespace("shop"),
            asIs,
            Map.of(),
            SidecarSetMatch.MATCHED),
        scenario(
            "spec.namespace names another namespace",
            s -> s.getSpec().setNamespace("billing"),
            asIs,
            Map.of(),
            SidecarSetMatch.NAMESPACE_MISMATCH),
        scenario(
            "a pod with no namespace is in default",
            s -> s.getSpec().setNamespace("default"),
            p -> p.getMetadata().setNamespace(""),
            Map.of(),
            SidecarSetMatch.MATCHED),
        scenario(
            "a pod with a null namespace is in default too",
            s -> s.getSpec().setNamespace("default"),
            p -> p.getMetadata().setNamespace(null),
            Map.of(),
            SidecarSetMatch.MATCHED),
        scenario(
            "an empty spec.namespace means every namespace",
            s -> s.getSpec().setNamespace(""),
            asIs,
            Map.of(),
            SidecarSetMatch.MATCHED),
        scenario(
            "namespaceSelector matches the namespace labels passed in",
            s -> s.getSpec().setNamespaceSelector(selector("mesh", "enabled")),
            asIs,
            MESH_NAMESPACE,
            SidecarSetMatch.MATCHED),
        scenario(
            "namespaceSelector does not match the namespace labels",
            s -> s.getSpec().setNamespaceSelector(selector("mesh", "enabled")),
            asIs,
            Map.of("mesh", "disabled"),
            SidecarSetMatch.NAMESPACE_SELECTOR_MISMATCH),
        scenario(
            "namespaceSelector with no namespace labels known",
            s -> s.getSpec().setNamespaceSelector(selector("mesh", "enabled")),
            asIs,
            null,
            SidecarSetMatch.NAMESPACE_SELECTOR_MISMATCH),
        scenario(
            "namespaceSelector on kubernetes.io/metadata.name works without that label passed",
            s -> s.getSpec().setNamespaceSelector(selector("kubernetes.io/metadata.name", "shop")),
            asIs,
            Map.of(),
            SidecarSetMatch.MATCHED),
        scenario(
            "namespaceSelector on kubernetes.io/metadata.name of another namespace",
            s ->
                s.getSpec()
                    .setNamespaceSelector(selector("kubernetes.io/metadata.name", "billing")),
            asIs,
            Map.of(),
            SidecarSetMatch.NAMESPACE_SELECTOR_MISMATCH),
        scenario(
            "injection paused wins over a matching selector",
            s -> {
              var strategy = new SidecarSetInjectionStrategy();
              strategy.setPaused(true);
              s.getSpec().setInjectionStrategy(strategy);
            },
            asIs,
            Map.of(),
            SidecarSetMatch.INJECTION_PAUSED),
        scenario(
            "injection paused=false injects",
            s -> {
              var strategy = new SidecarSetInjectionStrategy();
              strategy.setPaused(false);
              s.getSpec().setInjectionStrategy(strategy);
            },
            asIs,
            Map.of(),
            SidecarSetMatch.MATCHED),
        scenario(
            "namespace is checked before the selector",
            s -> {
              s.getSpec().setNamespace("billing");
              s.getSpec().setSelector(selector("app", "api"));
            },
            asIs,
            Map.of(),
            SidecarSetMatch.NAMESPACE_MISMATCH));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("scenarios")
  void match(
      Consumer<SidecarSet> setChange,
      Consumer<Pod> podChange,
      Map<String, String> namespaceLabels,
      SidecarSetMatch expected) {
    SidecarSet set = sidecarSet("log", sidecar("log", "log:1"));
    setChange.accept(set);
    Pod pod = pod(app("web"));
    podChange.accept(pod);

    assertThat(SidecarSetMatcher.match(set, pod, namespaceLabels)).isEqualTo(expected);
    assertThat(SidecarSetMatcher.matches(set, pod, namespaceLabels))
        .isEqualTo(expected == SidecarSetMatch.MATCHED);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("scenarios")
  void selectsIgnoresOnlyThePause(
      Consumer<SidecarSet> setChange,
      Consumer<Pod> podChange,
      Map<String, String> namespaceLabels,
      SidecarSetMatch expected) {
    SidecarSet set = sidecarSet("log", sidecar("log", "log:1"));
    setChange.accept(set);
    Pod pod = pod(app("web"));
    podChange.accept(pod);

    SidecarSetMatch selects = SidecarSetMatcher.selects(set, pod, namespaceLabels);
    assertThat(selects)
        .isEqualTo(
            expected == SidecarSetMatch.INJECTION_PAUSED ? SidecarSetMatch.MATCHED : expected);
  }

  @org.junit.jupiter.api.Test
  void matching_keepsMatchingSetsSortedByName() {
    SidecarSet zeta = sidecarSet("zeta", sidecar("z", "z:1"));
    SidecarSet other = sidecarSet("other", sidecar("o", "o:1"));
    other.getSpec().setSelector(selector("app", "api"));
    SidecarSet alpha = sidecarSet("alpha", sidecar("a", "a:1"));

    assertThat(SidecarSetMatcher.matching(List.of(zeta, other, alpha), pod(app("web")), Map.of()))
        .extracting(s -> s.getMetadata().getName())
        .containsExactly("alpha", "zeta");
  }
}
