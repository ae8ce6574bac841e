package io.sidecarset.core.match;

import io.fabric8.kubernetes.api.model.Pod;
import io.sidecarset.api.SidecarSetLabels;
import io.sidecarset.api.v1alpha1.SidecarSet;
import io.sidecarset.api.v1alpha1.SidecarSetSpec;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Decides which SidecarSets apply to a pod: Kruise's {@code PodMatchedSidecarSet} without its API
 * client. The caller passes the labels of the pod's Namespace (from an informer); nothing is
 * fetched here.
 *
 * <p>A set applies when its injection is not paused, {@code spec.namespace} is empty or equals the
 * pod's namespace ({@code ""} counts as {@code default}), {@code spec.namespaceSelector} is absent
 * or selects the namespace labels, and {@code spec.selector} selects the pod labels.
 */
public final class SidecarSetMatcher {

  /** The namespace a pod without one is created in. */
  public static final String DEFAULT_NAMESPACE = "default";

  private static final Comparator<SidecarSet> BY_NAME =
      Comparator.comparing(set -> String.valueOf(set.getMetadata().getName()));

  private SidecarSetMatcher() {}

  /**
   * Does {@code set} apply to {@code pod} for injection?
   *
   * @param namespaceLabels the labels of the pod's Namespace object; null reads as none. The
   *     standard {@code kubernetes.io/metadata.name} label is added when missing, since the
   *     apiserver sets it on every namespace.
   */
  public static SidecarSetMatch match(
      SidecarSet set, Pod pod, Map<String, String> namespaceLabels) {
    if (set.getSpec().injectionStrategyOrDefault().isPaused()) {
      return SidecarSetMatch.INJECTION_PAUSED;
    }
    return selects(set, pod, namespaceLabels);
  }

  /**
   * Like {@link #match} but ignoring {@code injectionStrategy.paused}: does the set select this pod
   * at all? (The controller asks this of pods already injected.)
   */
  public static SidecarSetMatch selects(
      SidecarSet set, Pod pod, Map<String, String> namespaceLabels) {
    SidecarSetSpec spec = set.getSpec();
    String podNamespace = namespaceOf(pod);
    String setNamespace = spec.getNamespace();
    if (setNamespace != null && !setNamespace.isEmpty() && !setNamespace.equals(podNamespace)) {
      return SidecarSetMatch.NAMESPACE_MISMATCH;
    }
    if (spec.getNamespaceSelector() != null
        && !LabelSelectorMatcher.matches(
            spec.getNamespaceSelector(), withNameLabel(namespaceLabels, podNamespace))) {
      return SidecarSetMatch.NAMESPACE_SELECTOR_MISMATCH;
    }
    Map<String, String> podLabels =
        pod.getMetadata() == null ? null : pod.getMetadata().getLabels();
    if (!LabelSelectorMatcher.matches(spec.getSelector(), podLabels)) {
      return SidecarSetMatch.SELECTOR_MISMATCH;
    }
    return SidecarSetMatch.MATCHED;
  }

  /** True when {@link #match} is {@link SidecarSetMatch#MATCHED}. */
  public static boolean matches(SidecarSet set, Pod pod, Map<String, String> namespaceLabels) {
    return match(set, pod, namespaceLabels).matched();
  }

  /** The sets that apply to the pod, sorted by name (the order they are injected in). */
  public static List<SidecarSet> matching(
      Collection<SidecarSet> sets, Pod pod, Map<String, String> namespaceLabels) {
    return sets.stream().filter(set -> matches(set, pod, namespaceLabels)).sorted(BY_NAME).toList();
  }

  /** The pod's namespace, {@code default} when empty (as the apiserver will default it). */
  public static String namespaceOf(Pod pod) {
    String namespace = pod.getMetadata() == null ? null : pod.getMetadata().getNamespace();
    return namespace == null || namespace.isEmpty() ? DEFAULT_NAMESPACE : namespace;
  }

  private static Map<String, String> withNameLabel(Map<String, String> labels, String namespace) {
    if (labels != null && labels.containsKey(SidecarSetLabels.NAMESPACE_NAME)) {
      return labels;
    }
    Map<String, String> completed = labels == null ? new HashMap<>() : new HashMap<>(labels);
    completed.put(SidecarSetLabels.NAMESPACE_NAME, namespace);
    return completed;
  }
}
