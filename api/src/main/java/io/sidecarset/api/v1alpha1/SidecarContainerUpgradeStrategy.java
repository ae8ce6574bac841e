package io.sidecarset.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Pattern;
import java.util.Objects;

/** How one sidecar is upgraded: restarted in place (cold) or through two slots (hot). */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class SidecarContainerUpgradeStrategy {

  public static final String COLD_UPGRADE = "ColdUpgrade";
  public static final String HOT_UPGRADE = "HotUpgrade";

  @Default(COLD_UPGRADE)
  @Pattern("^(ColdUpgrade|HotUpgrade)$")
  private String upgradeType;

  /**
   * The image of the spare slot; required for {@link #HOT_UPGRADE} and different from the image.
   */
  private String hotUpgradeEmptyImage;

  public SidecarContainerUpgradeStrategy() {}

  public SidecarContainerUpgradeStrategy(String upgradeType, String hotUpgradeEmptyImage) {
    this.upgradeType = upgradeType;
    this.hotUpgradeEmptyImage = hotUpgradeEmptyImage;
  }

  public String getUpgradeType() {
    return upgradeType;
  }

  public void setUpgradeType(String upgradeType) {
    this.upgradeType = upgradeType;
  }

  public String getHotUpgradeEmptyImage() {
    return hotUpgradeEmptyImage;
  }

  public void setHotUpgradeEmptyImage(String hotUpgradeEmptyImage) {
    this.hotUpgradeEmptyImage = hotUpgradeEmptyImage;
  }

  /** The upgrade type, {@link #COLD_UPGRADE} when absent. */
  public String upgradeTypeOrDefault() {
    return upgradeType == null || upgradeType.isEmpty() ? COLD_UPGRADE : upgradeType;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof SidecarContainerUpgradeStrategy that
        && Objects.equals(upgradeType, that.upgradeType)
        && Objects.equals(hotUpgradeEmptyImage, that.hotUpgradeEmptyImage);
  }

  @Override
  public int hashCode() {
    return Objects.hash(upgradeType, hotUpgradeEmptyImage);
  }
}
