package io.sidecarset.e2e.support;

import io.fabric8.kubernetes.api.model.Pod;
import java.util.List;
import java.util.Map;

/**
 * The container engine under the kubelet, for what the Kubernetes API cannot show or do: the
 * environment a container's process actually runs with, killing a process without Kubernetes
 * knowing, and whether an image is present.
 *
 * <p>Why not {@code kubectl exec}: it needs a shell or an {@code env} binary in every image (the
 * empty placeholder has neither), and it is not available on every local cluster. The kernel's
 * {@code /proc/<pid>/environ} of the container's main process is exactly what the process sees, for
 * any image.
 */
public interface ContainerRuntime {

  /**
   * The environment of the main process of the running container {@code container} of the pod, as
   * the kernel holds it.
   *
   * @throws IllegalStateException when no such running container exists
   */
  Map<String, String> processEnvironment(Pod pod, String container);

  /** SIGKILLs the main process of the running container; the kubelet then restarts it. */
  void kill(Pod pod, String container);

  /** The container's log (stdout and stderr). */
  String logs(Pod pod, String container);

  /**
   * The logs of every container the pod ran, exited ones included (an upgraded slot's old process),
   * keyed {@code <container>.<n>} in start order: evidence kept before a scenario deletes its pods.
   */
  Map<String, String> allLogs(Pod pod);

  /**
   * Makes {@code target} a copy of image {@code source} with an image ID of its own (not just a
   * second tag: dockershim reports a container's image as the first tag of its image ID, so two
   * tags on one ID would make a pod's status name the other one).
   */
  void pin(String source, String target);

  /** The images among {@code images} that the engine does not have. */
  List<String> missingImages(List<String> images);

  /** Parses a NUL-separated environ block into a map (the first of duplicate keys wins). */
  static Map<String, String> parseEnviron(byte[] environ) {
    Map<String, String> env = new java.util.LinkedHashMap<>();
    for (String entry : new String(environ, java.nio.charset.StandardCharsets.UTF_8).split("\0")) {
      int eq = entry.indexOf('=');
      if (eq > 0) {
        env.putIfAbsent(entry.substring(0, eq), entry.substring(eq + 1));
      }
    }
    return env;
  }
}
