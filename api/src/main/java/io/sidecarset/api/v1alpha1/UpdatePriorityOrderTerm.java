package io.sidecarset.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.Objects;

/** Pods whose label {@code orderedKey} holds a larger integer are upgraded first. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class UpdatePriorityOrderTerm {

  private String orderedKey;

  public UpdatePriorityOrderTerm() {}

  public UpdatePriorityOrderTerm(String orderedKey) {
    this.orderedKey = orderedKey;
  }

  public String getOrderedKey() {
    return orderedKey;
  }

  public void setOrderedKey(String orderedKey) {
    this.orderedKey = orderedKey;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof UpdatePriorityOrderTerm that && Objects.equals(orderedKey, that.orderedKey);
  }

  @Override
  public int hashCode() {
    return Objects.hashCode(orderedKey);
  }
}
