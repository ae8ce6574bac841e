package io.sidecarset.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.kubernetes.api.model.Container;
import java.util.List;
import java.util.Objects;

/**
 * A full container, plus how it is injected and upgraded. Kruise embeds {@code corev1.Container}
 * inline; extending fabric8's {@link Container} gives the same JSON shape.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class SidecarContainer extends Container {

  public static final String BEFORE_APP_CONTAINER = "BeforeAppContainer";
  public static final String AFTER_APP_CONTAINER = "AfterAppContainer";

  @Default(BEFORE_APP_CONTAINER)
  @Pattern("^(BeforeAppContainer|AfterAppContainer)$")
  private String podInjectPolicy;

  private SidecarContainerUpgradeStrategy upgradeStrategy;

  private ShareVolumePolicy shareVolumePolicy;

  private ShareVolumePolicy shareVolumeDevicePolicy;

  private List<TransferEnvVar> transferEnv;

  public SidecarContainer() {}

  /** A sidecar with the given name and image (fixture and builder convenience). */
  public SidecarContainer(String name, String image) {
    setName(name);
    setImage(image);
  }

  public String getPodInjectPolicy() {
    return podInjectPolicy;
  }

  public void setPodInjectPolicy(String podInjectPolicy) {
    this.podInjectPolicy = podInjectPolicy;
  }

  public SidecarContainerUpgradeStrategy getUpgradeStrategy() {
    return upgradeStrategy;
  }

  public void setUpgradeStrategy(SidecarContainerUpgradeStrategy upgradeStrategy) {
    this.upgradeStrategy = upgradeStrategy;
  }

  public ShareVolumePolicy getShareVolumePolicy() {
    return shareVolumePolicy;
  }

  public void setShareVolumePolicy(ShareVolumePolicy shareVolumePolicy) {
    this.shareVolumePolicy = shareVolumePolicy;
  }

  public ShareVolumePolicy getShareVolumeDevicePolicy() {
    return shareVolumeDevicePolicy;
  }

  public void setShareVolumeDevicePolicy(ShareVolumePolicy shareVolumeDevicePolicy) {
    this.shareVolumeDevicePolicy = shareVolumeDevicePolicy;
  }

  public List<TransferEnvVar> getTransferEnv() {
    return transferEnv;
  }

  public void setTransferEnv(List<TransferEnvVar> transferEnv) {
    this.transferEnv = transferEnv;
  }

  /** The inject policy, {@link #BEFORE_APP_CONTAINER} when absent. */
  public String podInjectPolicyOrDefault() {
    return podInjectPolicy == null || podInjectPolicy.isEmpty()
        ? BEFORE_APP_CONTAINER
        : podInjectPolicy;
  }

  /** True when this container is upgraded by the two-slot hot upgrade. */
  @JsonIgnore // derived, not a field: Jackson would otherwise write it into the manifest
  public boolean isHotUpgrade() {
    return upgradeStrategy != null
        && SidecarContainerUpgradeStrategy.HOT_UPGRADE.equals(upgradeStrategy.getUpgradeType());
  }

  /** True when the app containers' volume mounts are shared into this sidecar. */
  public boolean sharesVolumes() {
    return shareVolumePolicy != null && shareVolumePolicy.isEnabled();
  }

  /** True when the app containers' volume devices are shared into this sidecar. */
  public boolean sharesVolumeDevices() {
    return shareVolumeDevicePolicy != null && shareVolumeDevicePolicy.isEnabled();
  }

  @Override
  public boolean equals(Object o) {
    if (this == o) {
      return true;
    }
    if (!(o instanceof SidecarContainer that) || !super.equals(o)) {
      return false;
    }
    return Objects.equals(podInjectPolicy, that.podInjectPolicy)
        && Objects.equals(upgradeStrategy, that.upgradeStrategy)
        && Objects.equals(shareVolumePolicy, that.shareVolumePolicy)
        && Objects.equals(shareVolumeDevicePolicy, that.shareVolumeDevicePolicy)
        && Objects.equals(transferEnv, that.transferEnv);
  }

  @Override
  public int hashCode() {
    return Objects.hash(
        super.hashCode(),
        podInjectPolicy,
        upgradeStrategy,
        shareVolumePolicy,
        shareVolumeDevicePolicy,
        transferEnv);
  }
}
