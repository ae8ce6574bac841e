package io.sidecarset.core.pod;

import io.fabric8.kubernetes.api.model.Container;

/**
 * Kubernetes native sidecars: init containers with {@code restartPolicy: Always}, which keep
 * running beside the app containers. Kruise counts them among a set's sidecars, but cannot update
 * them in place, so a set holding one must use {@code updateStrategy.type: NotUpdate}.
 */
public final class NativeSidecarContainers {

  /** The container restart policy that makes an init container a native sidecar. */
  public static final String RESTART_POLICY_ALWAYS = "Always";

  private NativeSidecarContainers() {}

  /** True for an init container with {@code restartPolicy: Always}. */
  public static boolean isNativeSidecar(Container container) {
    return RESTART_POLICY_ALWAYS.equals(container.getRestartPolicy());
  }
}
