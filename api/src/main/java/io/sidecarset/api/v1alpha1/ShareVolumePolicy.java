package io.sidecarset.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Pattern;
import java.util.Objects;

/** Whether the app containers' volume mounts (or devices) are copied into the sidecar. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class ShareVolumePolicy {

  public static final String ENABLED = "enabled";
  public static final String DISABLED = "disabled";

  @Default(DISABLED)
  @Pattern("^(enabled|disabled)$")
  private String type;

  public ShareVolumePolicy() {}

  public ShareVolumePolicy(String type) {
    this.type = type;
  }

  public String getType() {
    return type;
  }

  public void setType(String type) {
    this.type = type;
  }

  @JsonIgnore // derived, not a field: Jackson would otherwise write it into the manifest
  public boolean isEnabled() {
    return ENABLED.equals(type);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ShareVolumePolicy that && Objects.equals(type, that.type);
  }

  @Override
  public int hashCode() {
    return Objects.hashCode(type);
  }
}
