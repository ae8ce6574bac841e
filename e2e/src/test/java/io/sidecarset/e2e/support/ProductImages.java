package io.sidecarset.e2e.support;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The product's images as the scenarios use them. The build ({@code mvn -Pimages,local-images
 * -DskipTests package}) tags them {@code :dev}, {@code :v1}, {@code :v2} in the node's Docker; the
 * suite pins each to an {@code e2e} image of its own when it connects to the cluster ({@code FROM
 * <built>}: its own image ID, see {@link ContainerRuntime#pin}), and the scenarios run only those.
 * The machine's Docker is shared: a rebuild of the {@code :dev} tags in the middle of a run would
 * otherwise move the tags under running pods (the runtime then reports the old image by ID, and the
 * next container of the same pod starts the new build).
 */
public final class ProductImages {

  /** The tags the build gives the images. */
  public static final class Built {
    public static final String CONTROLLER = "sidecarset/controller:dev";
    public static final String WEBHOOK = "sidecarset/webhook:dev";
    public static final String PROXY_V1 = "sidecarset/sample-proxy:v1";
    public static final String PROXY_V2 = "sidecarset/sample-proxy:v2";
    public static final String DEMO_APP = "sidecarset/demo-app:dev";
    public static final String EMPTY = "sidecarset/empty:dev";

    private Built() {}
  }

  /** The tag of the chart's controller and webhook images during a run. */
  public static final String PINNED_TAG = "e2e";

  public static final String CONTROLLER = "sidecarset/controller:" + PINNED_TAG;
  public static final String WEBHOOK = "sidecarset/webhook:" + PINNED_TAG;
  public static final String PROXY_V1 = "sidecarset/sample-proxy:" + PINNED_TAG + "-v1";
  public static final String PROXY_V2 = "sidecarset/sample-proxy:" + PINNED_TAG + "-v2";
  public static final String DEMO_APP = "sidecarset/demo-app:" + PINNED_TAG;
  public static final String EMPTY = "sidecarset/empty:" + PINNED_TAG;

  /** Each pinned tag and the built tag it is made from. */
  public static final Map<String, String> PINNED_FROM_BUILT;

  static {
    Map<String, String> pins = new LinkedHashMap<>();
    pins.put(CONTROLLER, Built.CONTROLLER);
    pins.put(WEBHOOK, Built.WEBHOOK);
    pins.put(PROXY_V1, Built.PROXY_V1);
    pins.put(PROXY_V2, Built.PROXY_V2);
    pins.put(DEMO_APP, Built.DEMO_APP);
    pins.put(EMPTY, Built.EMPTY);
    PINNED_FROM_BUILT = Map.copyOf(pins);
  }

  /** Every pinned image a scenario uses. */
  public static final List<String> ALL =
      List.of(CONTROLLER, WEBHOOK, PROXY_V1, PROXY_V2, DEMO_APP, EMPTY);

  /** The command that builds them. */
  public static final String BUILD_COMMAND = "mvn -B -Pimages,local-images -DskipTests package";

  private ProductImages() {}

  /**
   * The proxy version label ({@code v1}, {@code v2}) of a proxy image, built or pinned ({@code
   * sidecarset/sample-proxy:e2e-v2} → {@code v2}).
   */
  public static String versionOf(String proxyImage) {
    String tag = proxyImage.substring(proxyImage.lastIndexOf(':') + 1);
    return tag.startsWith(PINNED_TAG + "-") ? tag.substring(PINNED_TAG.length() + 1) : tag;
  }
}
