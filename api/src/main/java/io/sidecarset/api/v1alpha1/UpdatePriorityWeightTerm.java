package io.sidecarset.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.kubernetes.api.model.LabelSelector;
import java.util.Objects;

/** Pods matching the selector get this weight (0-100); heavier pods are upgraded first. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class UpdatePriorityWeightTerm {

  @Min(0)
  @Max(100)
  private Integer weight;

  private LabelSelector matchSelector;

  public UpdatePriorityWeightTerm() {}

  public UpdatePriorityWeightTerm(Integer weight, LabelSelector matchSelector) {
    this.weight = weight;
    this.matchSelector = matchSelector;
  }

  public Integer getWeight() {
    return weight;
  }

  public void setWeight(Integer weight) {
    this.weight = weight;
  }

  public LabelSelector getMatchSelector() {
    return matchSelector;
  }

  public void setMatchSelector(LabelSelector matchSelector) {
    this.matchSelector = matchSelector;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof UpdatePriorityWeightTerm that
        && Objects.equals(weight, that.weight)
        && Objects.equals(matchSelector, that.matchSelector);
  }

  @Override
  public int hashCode() {
    return Objects.hash(weight, matchSelector);
  }
}
