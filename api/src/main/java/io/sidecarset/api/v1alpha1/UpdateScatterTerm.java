package io.sidecarset.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.Objects;

/**
 * Pods with label {@code key=value} are spread evenly through the upgrade order; a value of {@code
 * *} stands for every value seen on the pods.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class UpdateScatterTerm {

  private String key;
  private String value;

  public UpdateScatterTerm() {}

  public UpdateScatterTerm(String key, String value) {
    this.key = key;
    this.value = value;
  }

  public String getKey() {
    return key;
  }

  public void setKey(String key) {
    this.key = key;
  }

  public String getValue() {
    return value;
  }

  public void setValue(String value) {
    this.value = value;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof UpdateScatterTerm that
        && Objects.equals(key, that.key)
        && Objects.equals(value, that.value);
  }

  @Override
  public int hashCode() {
    return Objects.hash(key, value);
  }
}
