package io.sidecarset.core.match;

import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.LabelSelectorRequirement;
import java.util.List;
import java.util.Map;

/**
 * Kubernetes label selector semantics (matchLabels and matchExpressions with In, NotIn, Exists,
 * DoesNotExist), which fabric8 does not offer on the client side.
 */
public final class LabelSelectorMatcher {

  public static final String IN = "In";
  public static final String NOT_IN = "NotIn";
  public static final String EXISTS = "Exists";
  public static final String DOES_NOT_EXIST = "DoesNotExist";

  private LabelSelectorMatcher() {}

  /**
   * True when the labels satisfy the selector. A null selector matches nothing (Kubernetes' {@code
   * nil} selector); an empty selector matches everything.
   */
  public static boolean matches(LabelSelector selector, Map<String, String> labels) {
    if (selector == null) {
      return false;
    }
    Map<String, String> actual = labels == null ? Map.of() : labels;
    Map<String, String> matchLabels = selector.getMatchLabels();
    if (matchLabels != null) {
      for (Map.Entry<String, String> required : matchLabels.entrySet()) {
        // JSON null decodes to "" in the apiserver's Go types; read it the same way
        String wanted = required.getValue() == null ? "" : required.getValue();
        if (!wanted.equals(actual.get(required.getKey()))) {
          return false;
        }
      }
    }
    List<LabelSelectorRequirement> expressions = selector.getMatchExpressions();
    if (expressions != null) {
      for (LabelSelectorRequirement requirement : expressions) {
        if (!matches(requirement, actual)) {
          return false;
        }
      }
    }
    return true;
  }

  /** True when the selector has neither labels nor expressions (it selects everything). */
  public static boolean isEmpty(LabelSelector selector) {
    return selector != null
        && (selector.getMatchLabels() == null || selector.getMatchLabels().isEmpty())
        && (selector.getMatchExpressions() == null || selector.getMatchExpressions().isEmpty());
  }

  private static boolean matches(LabelSelectorRequirement requirement, Map<String, String> labels) {
    String key = requirement.getKey();
    List<String> values = requirement.getValues() == null ? List.of() : requirement.getValues();
    String operator = requirement.getOperator();
    if (IN.equals(operator)) {
      return labels.containsKey(key) && values.contains(labels.get(key));
    }
    if (NOT_IN.equals(operator)) {
      return !labels.containsKey(key) || !values.contains(labels.get(key));
    }
    if (EXISTS.equals(operator)) {
      return labels.containsKey(key);
    }
    if (DOES_NOT_EXIST.equals(operator)) {
      return !labels.containsKey(key);
    }
    // An unknown operator matches nothing: validation rejects it before it gets here.
    return false;
  }
}
