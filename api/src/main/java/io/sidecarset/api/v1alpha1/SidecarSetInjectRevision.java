package io.sidecarset.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Pattern;
import java.util.Objects;

/** A pinned revision for injection: by custom version or by revision name. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class SidecarSetInjectRevision {

  public static final String POLICY_ALWAYS = "Always";
  public static final String POLICY_PARTIAL = "Partial";

  private String customVersion;
  private String revisionName;

  @Default(POLICY_ALWAYS)
  @Pattern("^(Always|Partial)$")
  private String policy;

  public String getCustomVersion() {
    return customVersion;
  }

  public void setCustomVersion(String customVersion) {
    this.customVersion = customVersion;
  }

  public String getRevisionName() {
    return revisionName;
  }

  public void setRevisionName(String revisionName) {
    this.revisionName = revisionName;
  }

  public String getPolicy() {
    return policy;
  }

  public void setPolicy(String policy) {
    this.policy = policy;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof SidecarSetInjectRevision that
        && Objects.equals(customVersion, that.customVersion)
        && Objects.equals(revisionName, that.revisionName)
        && Objects.equals(policy, that.policy);
  }

  @Override
  public int hashCode() {
    return Objects.hash(customVersion, revisionName, policy);
  }
}
