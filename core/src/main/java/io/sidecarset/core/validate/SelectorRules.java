package io.sidecarset.core.validate;

import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.LabelSelectorRequirement;
import io.sidecarset.core.match.LabelSelectorMatcher;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** metav1 {@code ValidateLabelSelector}, plus Kruise's "must not be empty". */
final class SelectorRules {

  private static final Set<String> OPERATORS =
      AllowedValues.of(
          LabelSelectorMatcher.IN,
          LabelSelectorMatcher.NOT_IN,
          LabelSelectorMatcher.EXISTS,
          LabelSelectorMatcher.DOES_NOT_EXIST);

  private SelectorRules() {}

  /** A selector that must be valid and select something specific (not everything). */
  static void validateNonEmpty(LabelSelector selector, String path, ErrorList errors) {
    if (LabelSelectorMatcher.isEmpty(selector)) {
      errors.add(path, "empty selector is not valid for sidecarset: it would select every pod");
    }
    validate(selector, path, errors);
  }

  static void validate(LabelSelector selector, String path, ErrorList errors) {
    Map<String, String> matchLabels = selector.getMatchLabels();
    if (matchLabels != null) {
      matchLabels.forEach(
          (key, value) -> {
            String keyPath = path + ".matchLabels";
            KubernetesNames.qualifiedName(key == null ? "" : key)
                .forEach(m -> errors.add(keyPath, "key " + key + ": " + m));
            KubernetesNames.labelValue(value == null ? "" : value)
                .forEach(m -> errors.add(keyPath, "value of " + key + ": " + m));
          });
    }
    List<LabelSelectorRequirement> expressions = selector.getMatchExpressions();
    if (expressions == null) {
      return;
    }
    for (int i = 0; i < expressions.size(); i++) {
      LabelSelectorRequirement requirement = expressions.get(i);
      String at = ErrorList.index(path + ".matchExpressions", i);
      String key = requirement.getKey() == null ? "" : requirement.getKey();
      KubernetesNames.qualifiedName(key).forEach(m -> errors.add(at + ".key", m));
      String operator = requirement.getOperator();
      List<String> values = requirement.getValues() == null ? List.of() : requirement.getValues();
      if (operator == null || !OPERATORS.contains(operator)) {
        errors.add(
            at + ".operator", "not a valid selector operator: " + operator + ", want " + OPERATORS);
      } else if ((LabelSelectorMatcher.IN.equals(operator)
              || LabelSelectorMatcher.NOT_IN.equals(operator))
          && values.isEmpty()) {
        errors.add(at + ".values", "must be specified when `operator` is 'In' or 'NotIn'");
      } else if ((LabelSelectorMatcher.EXISTS.equals(operator)
              || LabelSelectorMatcher.DOES_NOT_EXIST.equals(operator))
          && !values.isEmpty()) {
        errors.add(
            at + ".values", "may not be specified when `operator` is 'Exists' or 'DoesNotExist'");
      }
      for (int j = 0; j < values.size(); j++) {
        String valuePath = ErrorList.index(at + ".values", j);
        KubernetesNames.labelValue(values.get(j) == null ? "" : values.get(j))
            .forEach(m -> errors.add(valuePath, m));
      }
    }
  }
}
