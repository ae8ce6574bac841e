package io.sidecarset.core.upgrade;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.sidecarset.api.pod.InPlaceUpdateState;

/**
 * Has the kubelet applied a container's image yet? The kubelet reports a container's image in
 * {@code status.image}, possibly spelt differently from the spec ({@code proxy:v2} versus {@code
 * docker.io/library/proxy:v2}), so images are compared normalised; when they still differ, an
 * {@code imageID} that changed since the controller recorded it proves a restart on the new image.
 */
final class ContainerImages {

  private static final String DOCKER_HUB = "docker.io/";
  private static final String DOCKER_HUB_LIBRARY = "docker.io/library/";

  private ContainerImages() {}

  /** True when both name the same image, ignoring Docker Hub's implicit prefix and tag. */
  static boolean same(String a, String b) {
    if (a == null || b == null) {
      return a == null && b == null;
    }
    return normalise(a).equals(normalise(b));
  }

  static String normalise(String image) {
    String name = image.trim();
    if (name.startsWith(DOCKER_HUB_LIBRARY)) {
      name = name.substring(DOCKER_HUB_LIBRARY.length());
    } else if (name.startsWith(DOCKER_HUB)) {
      name = name.substring(DOCKER_HUB.length());
    }
    int lastSlash = name.lastIndexOf('/');
    String last = name.substring(lastSlash + 1);
    if (!last.contains(":") && !last.contains("@")) {
      name = name + ":latest";
    }
    return name;
  }

  /**
   * True when the running container (its status) runs the spec's image: same image, or an imageID
   * different from the one recorded before the controller changed the image.
   *
   * @param recorded the status recorded before the last image change, or null
   */
  static boolean consistent(
      Container spec, ContainerStatus status, InPlaceUpdateState.LastContainerStatus recorded) {
    if (status == null) {
      return false;
    }
    if (same(spec.getImage(), status.getImage())) {
      return true;
    }
    String imageId = status.getImageID();
    return recorded != null
        && imageId != null
        && !imageId.isEmpty()
        && !imageId.equals(recorded.imageID() == null ? "" : recorded.imageID());
  }
}
