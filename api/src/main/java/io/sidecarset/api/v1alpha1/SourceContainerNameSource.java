package io.sidecarset.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.fabric8.kubernetes.api.model.ObjectFieldSelector;
import java.util.Objects;

/**
 * Where a transferEnv source container's name is read: only {@code metadata.labels['k']} or {@code
 * metadata.annotations['k']} of the pod.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class SourceContainerNameSource {

  private ObjectFieldSelector fieldRef;

  public SourceContainerNameSource() {}

  public SourceContainerNameSource(ObjectFieldSelector fieldRef) {
    this.fieldRef = fieldRef;
  }

  public ObjectFieldSelector getFieldRef() {
    return fieldRef;
  }

  public void setFieldRef(ObjectFieldSelector fieldRef) {
    this.fieldRef = fieldRef;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof SourceContainerNameSource that && Objects.equals(fieldRef, that.fieldRef);
  }

  @Override
  public int hashCode() {
    return Objects.hashCode(fieldRef);
  }
}
