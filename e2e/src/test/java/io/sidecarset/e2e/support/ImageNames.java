package io.sidecarset.e2e.support;

/**
 * Compares image references the way a container runtime reports them: Docker reports what the pod
 * asked for, containerd the fully qualified name ({@code docker.io/sidecarset/empty:dev}).
 */
public final class ImageNames {

  private ImageNames() {}

  public static boolean same(String a, String b) {
    return a != null && b != null && normalize(a).equals(normalize(b));
  }

  static String normalize(String image) {
    String name = image.startsWith("docker.io/") ? image.substring("docker.io/".length()) : image;
    return name.startsWith("library/") ? name.substring("library/".length()) : name;
  }
}
