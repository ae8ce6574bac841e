package io.sidecarset.e2e.support;

import io.fabric8.kubernetes.client.KubernetesClientException;
import io.sidecarset.api.v1alpha1.SidecarContainer;
import io.sidecarset.api.v1alpha1.SidecarContainerUpgradeStrategy;
import io.sidecarset.api.v1alpha1.SidecarSet;
import java.util.Map;

/**
 * SidecarSets that the CRD's schema accepts but the validating webhook must refuse, so that a
 * refusal proves the webhook (not the schema) checked them.
 */
public final class InvalidSidecarSets {

  /** The field the webhook names when a HotUpgrade sidecar has no empty image. */
  public static final String HOT_UPGRADE_EMPTY_IMAGE_FIELD =
      "spec.containers[0].upgradeStrategy.hotUpgradeEmptyImage";

  private InvalidSidecarSets() {}

  /** A HotUpgrade sidecar without {@code hotUpgradeEmptyImage}: the spare slot has no image. */
  public static SidecarSet hotUpgradeWithoutEmptyImage(String name) {
    SidecarContainer proxy = new SidecarContainer(TestWorkloads.PROXY, ProductImages.PROXY_V1);
    proxy.setUpgradeStrategy(
        new SidecarContainerUpgradeStrategy(SidecarContainerUpgradeStrategy.HOT_UPGRADE, null));
    return TestWorkloads.sidecarSet(name, null, Map.of(TestWorkloads.APP_LABEL, name), proxy);
  }

  /**
   * True when the apiserver refused the request because an admission webhook denied it (its message
   * reads {@code admission webhook "<name>" denied the request: ...}).
   */
  public static boolean deniedByWebhook(KubernetesClientException e) {
    String message = String.valueOf(e.getMessage());
    return message.contains("admission webhook") && message.contains("denied the request");
  }
}
