package io.sidecarset.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;
import java.util.Objects;

/** Which pods are upgraded first: by weighted selectors, or by the value of ordered label keys. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class UpdatePriorityStrategy {

  private List<UpdatePriorityWeightTerm> weightPriority;
  private List<UpdatePriorityOrderTerm> orderPriority;

  public List<UpdatePriorityWeightTerm> getWeightPriority() {
    return weightPriority;
  }

  public void setWeightPriority(List<UpdatePriorityWeightTerm> weightPriority) {
    this.weightPriority = weightPriority;
  }

  public List<UpdatePriorityOrderTerm> getOrderPriority() {
    return orderPriority;
  }

  public void setOrderPriority(List<UpdatePriorityOrderTerm> orderPriority) {
    this.orderPriority = orderPriority;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof UpdatePriorityStrategy that
        && Objects.equals(weightPriority, that.weightPriority)
        && Objects.equals(orderPriority, that.orderPriority);
  }

  @Override
  public int hashCode() {
    return Objects.hash(weightPriority, orderPriority);
  }
}
