package io.sidecarset.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Pattern;
import java.util.Map;
import java.util.Objects;

/** Annotations patched onto every injected pod, with a policy for keys the pod already has. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class SidecarSetPatchPodMetadata {

  /** Keep the pod's value when the key exists. */
  public static final String RETAIN = "Retain";

  /** Replace the pod's value. */
  public static final String OVERWRITE = "Overwrite";

  /** Both values are JSON objects: merge-patch the pod's with this one (RFC 7386). */
  public static final String MERGE_PATCH_JSON = "MergePatchJson";

  private Map<String, String> annotations;

  @Default(RETAIN)
  @Pattern("^(Retain|Overwrite|MergePatchJson)$")
  private String patchPolicy;

  public SidecarSetPatchPodMetadata() {}

  public SidecarSetPatchPodMetadata(Map<String, String> annotations, String patchPolicy) {
    this.annotations = annotations;
    this.patchPolicy = patchPolicy;
  }

  public Map<String, String> getAnnotations() {
    return annotations;
  }

  public void setAnnotations(Map<String, String> annotations) {
    this.annotations = annotations;
  }

  public String getPatchPolicy() {
    return patchPolicy;
  }

  public void setPatchPolicy(String patchPolicy) {
    this.patchPolicy = patchPolicy;
  }

  /** The policy, {@link #RETAIN} when absent. */
  public String patchPolicyOrDefault() {
    return patchPolicy == null || patchPolicy.isEmpty() ? RETAIN : patchPolicy;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof SidecarSetPatchPodMetadata that
        && Objects.equals(annotations, that.annotations)
        && Objects.equals(patchPolicy, that.patchPolicy);
  }

  @Override
  public int hashCode() {
    return Objects.hash(annotations, patchPolicy);
  }
}
