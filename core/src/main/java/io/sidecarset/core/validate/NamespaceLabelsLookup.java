package io.sidecarset.core.validate;

import java.util.Map;
import java.util.Optional;

/**
 * The labels of a Namespace, from the caller's informer cache. Used to decide whether a set limited
 * to one {@code spec.namespace} can meet another set's {@code namespaceSelector}.
 */
@FunctionalInterface
public interface NamespaceLabelsLookup {

  /** Knows no namespace: overlap is then judged from the namespace's name label alone. */
  NamespaceLabelsLookup UNKNOWN = namespace -> Optional.empty();

  /** The labels of {@code namespace}, empty when it is not known. */
  Optional<Map<String, String>> labels(String namespace);
}
