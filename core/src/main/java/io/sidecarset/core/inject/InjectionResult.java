package io.sidecarset.core.inject;

import io.fabric8.kubernetes.api.model.Pod;
import java.util.List;

/**
 * What {@link SidecarInjector#inject} decided for one pod.
 *
 * @param pod the pod to admit: a deep copy of the input, mutated when {@link #changed()}, equal to
 *     the input otherwise. Never the input instance.
 * @param injected the SidecarSets injected now, sorted by name, with what each added
 * @param alreadyInjected names of matching sets the pod already carries (listed in its {@code
 *     sidecarset.io/injected-list} or {@code sidecarset.io/hash}): skipped, so a retried admission
 *     does not inject twice
 * @param warnings things that did not stop injection but that the user should hear about (e.g. a
 *     {@code transferEnv} source container that is missing, a pod annotation that is not JSON where
 *     {@code MergePatchJson} needs it); suitable as admission warnings
 */
public record InjectionResult(
    Pod pod,
    List<InjectedSidecarSet> injected,
    List<String> alreadyInjected,
    List<String> warnings) {

  public InjectionResult {
    injected = List.copyOf(injected);
    alreadyInjected = List.copyOf(alreadyInjected);
    warnings = List.copyOf(warnings);
  }

  /** True when at least one set was injected, i.e. {@link #pod()} differs from the input. */
  public boolean changed() {
    return !injected.isEmpty();
  }
}
