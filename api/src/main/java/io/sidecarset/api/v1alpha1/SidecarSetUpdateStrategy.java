package io.sidecarset.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.LabelSelector;
import java.util.List;
import java.util.Objects;

/**
 * How a change rolls out to the matched pods. Kruise's fields and defaults, plus {@code
 * hotUpgradeTimeoutSeconds}: a pod that has not finished a hot upgrade by then is rolled back.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class SidecarSetUpdateStrategy {

  public static final String ROLLING_UPDATE = "RollingUpdate";
  public static final String NOT_UPDATE = "NotUpdate";
  public static final int DEFAULT_HOT_UPGRADE_TIMEOUT_SECONDS = 300;

  @Default(ROLLING_UPDATE)
  @Pattern("^(RollingUpdate|NotUpdate)$")
  private String type;

  private Boolean paused;

  /** Only pods matching this selector are upgraded. */
  private LabelSelector selector;

  /** Number or percentage of matched pods left on the old version. */
  private IntOrString partition;

  /** Number or percentage (rounded up) of matched pods that may be unavailable at once. */
  private IntOrString maxUnavailable;

  private UpdatePriorityStrategy priorityStrategy;

  private List<UpdateScatterTerm> scatterStrategy;

  @Default("300")
  @Min(1)
  private Integer hotUpgradeTimeoutSeconds;

  public SidecarSetUpdateStrategy() {}

  public String getType() {
    return type;
  }

  public void setType(String type) {
    this.type = type;
  }

  public Boolean getPaused() {
    return paused;
  }

  public void setPaused(Boolean paused) {
    this.paused = paused;
  }

  public LabelSelector getSelector() {
    return selector;
  }

  public void setSelector(LabelSelector selector) {
    this.selector = selector;
  }

  public IntOrString getPartition() {
    return partition;
  }

  public void setPartition(IntOrString partition) {
    this.partition = partition;
  }

  public IntOrString getMaxUnavailable() {
    return maxUnavailable;
  }

  public void setMaxUnavailable(IntOrString maxUnavailable) {
    this.maxUnavailable = maxUnavailable;
  }

  public UpdatePriorityStrategy getPriorityStrategy() {
    return priorityStrategy;
  }

  public void setPriorityStrategy(UpdatePriorityStrategy priorityStrategy) {
    this.priorityStrategy = priorityStrategy;
  }

  public List<UpdateScatterTerm> getScatterStrategy() {
    return scatterStrategy;
  }

  public void setScatterStrategy(List<UpdateScatterTerm> scatterStrategy) {
    this.scatterStrategy = scatterStrategy;
  }

  public Integer getHotUpgradeTimeoutSeconds() {
    return hotUpgradeTimeoutSeconds;
  }

  public void setHotUpgradeTimeoutSeconds(Integer hotUpgradeTimeoutSeconds) {
    this.hotUpgradeTimeoutSeconds = hotUpgradeTimeoutSeconds;
  }

  /** The type, {@link #ROLLING_UPDATE} when absent. */
  public String typeOrDefault() {
    return type == null || type.isEmpty() ? ROLLING_UPDATE : type;
  }

  public boolean isPaused() {
    return Boolean.TRUE.equals(paused);
  }

  /** The partition, 0 when absent. */
  public IntOrString partitionOrDefault() {
    return partition == null ? new IntOrString(0) : partition;
  }

  /** maxUnavailable, 1 when absent (Kruise's default). */
  public IntOrString maxUnavailableOrDefault() {
    return maxUnavailable == null ? new IntOrString(1) : maxUnavailable;
  }

  /** The hot-upgrade timeout, 300 s when absent. */
  public int hotUpgradeTimeoutSecondsOrDefault() {
    return hotUpgradeTimeoutSeconds == null
        ? DEFAULT_HOT_UPGRADE_TIMEOUT_SECONDS
        : hotUpgradeTimeoutSeconds;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof SidecarSetUpdateStrategy that
        && Objects.equals(type, that.type)
        && Objects.equals(paused, that.paused)
        && Objects.equals(selector, that.selector)
        && Objects.equals(partition, that.partition)
        && Objects.equals(maxUnavailable, that.maxUnavailable)
        && Objects.equals(priorityStrategy, that.priorityStrategy)
        && Objects.equals(scatterStrategy, that.scatterStrategy)
        && Objects.equals(hotUpgradeTimeoutSeconds, that.hotUpgradeTimeoutSeconds);
  }

  @Override
  public int hashCode() {
    return Objects.hash(
        type,
        paused,
        selector,
        partition,
        maxUnavailable,
        priorityStrategy,
        scatterStrategy,
        hotUpgradeTimeoutSeconds);
  }
}
