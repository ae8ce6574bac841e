package io.sidecarset.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.Objects;

/** Whether new pods are injected at all, and with which revision. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class SidecarSetInjectionStrategy {

  /** When true, new pods are not injected; pods already injected keep their sidecars. */
  private Boolean paused;

  private SidecarSetInjectRevision revision;

  public Boolean getPaused() {
    return paused;
  }

  public void setPaused(Boolean paused) {
    this.paused = paused;
  }

  public SidecarSetInjectRevision getRevision() {
    return revision;
  }

  public void setRevision(SidecarSetInjectRevision revision) {
    this.revision = revision;
  }

  public boolean isPaused() {
    return Boolean.TRUE.equals(paused);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof SidecarSetInjectionStrategy that
        && Objects.equals(paused, that.paused)
        && Objects.equals(revision, that.revision);
  }

  @Override
  public int hashCode() {
    return Objects.hash(paused, revision);
  }
}
