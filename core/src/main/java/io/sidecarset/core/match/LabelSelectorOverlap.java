package io.sidecarset.core.match;

import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.LabelSelectorRequirement;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Can two label selectors select the same object? A selector is a conjunction of per-key
 * constraints and keys are independent, so two selectors overlap exactly when, key by key, the
 * combined constraints can be met by one value (or by the key's absence). This is exact where
 * Kruise's {@code IsSelectorOverlapping} is a heuristic; it errs on neither side.
 */
public final class LabelSelectorOverlap {

  private LabelSelectorOverlap() {}

  /** True when some label set satisfies both selectors. A null selector selects nothing. */
  public static boolean overlaps(LabelSelector a, LabelSelector b) {
    if (a == null || b == null) {
      return false;
    }
    Map<String, KeyConstraint> constraints = new HashMap<>();
    collect(a, constraints);
    collect(b, constraints);
    return constraints.values().stream().allMatch(KeyConstraint::satisfiable);
  }

  private static void collect(LabelSelector selector, Map<String, KeyConstraint> constraints) {
    if (selector.getMatchLabels() != null) {
      selector
          .getMatchLabels()
          .forEach(
              (key, value) ->
                  constraints
                      .computeIfAbsent(key, k -> new KeyConstraint())
                      .allow(Set.of(value == null ? "" : value)));
    }
    if (selector.getMatchExpressions() == null) {
      return;
    }
    for (LabelSelectorRequirement requirement : selector.getMatchExpressions()) {
      KeyConstraint constraint =
          constraints.computeIfAbsent(requirement.getKey(), k -> new KeyConstraint());
      List<String> values = requirement.getValues() == null ? List.of() : requirement.getValues();
      switch (String.valueOf(requirement.getOperator())) {
        case LabelSelectorMatcher.IN -> constraint.allow(new HashSet<>(values));
        case LabelSelectorMatcher.NOT_IN -> constraint.excluded.addAll(values);
        case LabelSelectorMatcher.EXISTS -> constraint.mustExist = true;
        case LabelSelectorMatcher.DOES_NOT_EXIST -> constraint.mustNotExist = true;
        // an unknown operator matches nothing (as in LabelSelectorMatcher)
        default -> constraint.allow(Set.of());
      }
    }
  }

  /** What one key must look like: exist or not, and which values it may hold. */
  private static final class KeyConstraint {
    private Set<String> allowed; // null: any value
    private final Set<String> excluded = new HashSet<>();
    private boolean mustExist;
    private boolean mustNotExist;

    void allow(Set<String> values) {
      mustExist = true;
      if (allowed == null) {
        allowed = new HashSet<>(values);
      } else {
        allowed.retainAll(values);
      }
    }

    boolean satisfiable() {
      if (mustExist && mustNotExist) {
        return false;
      }
      if (mustNotExist) {
        return true; // NotIn is met by an absent key
      }
      if (allowed == null) {
        return true; // values are unbounded: one outside `excluded` always exists
      }
      return allowed.stream().anyMatch(v -> !excluded.contains(v));
    }
  }
}
