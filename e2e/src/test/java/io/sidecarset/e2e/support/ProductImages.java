package io.sidecarset.e2e.support;

import java.util.List;

/**
 * The product's images, built into the local Docker engine by {@code mvn -Pimages,local-images
 * -DskipTests package} before the e2e suite runs (the pods use {@code imagePullPolicy: Never}).
 */
public final class ProductImages {

  public static final String CONTROLLER = "sidecarset/controller:dev";
  public static final String WEBHOOK = "sidecarset/webhook:dev";
  public static final String PROXY_V1 = "sidecarset/sample-proxy:v1";
  public static final String PROXY_V2 = "sidecarset/sample-proxy:v2";
  public static final String DEMO_APP = "sidecarset/demo-app:dev";
  public static final String EMPTY = "sidecarset/empty:dev";

  /** Every image a scenario uses. */
  public static final List<String> ALL =
      List.of(CONTROLLER, WEBHOOK, PROXY_V1, PROXY_V2, DEMO_APP, EMPTY);

  /** The command that builds them. */
  public static final String BUILD_COMMAND = "mvn -B -Pimages,local-images -DskipTests package";

  private ProductImages() {}

  /** The proxy version label ({@code v1}, {@code v2}) of a proxy image. */
  public static String versionOf(String proxyImage) {
    return proxyImage.substring(proxyImage.lastIndexOf(':') + 1);
  }
}
