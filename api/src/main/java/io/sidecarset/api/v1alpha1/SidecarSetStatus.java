package io.sidecarset.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.fabric8.kubernetes.api.model.Condition;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/** Where the rollout stands. Kruise's counts, plus conditions. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class SidecarSetStatus {

  private Long observedGeneration;

  /** Active pods injected by this set that still have its container layout. */
  private Integer matchedPods;

  /** Matched pods whose sidecar hash equals the set's. */
  private Integer updatedPods;

  /** Matched pods that are ready, with every hot-upgrade spare slot back on the empty image. */
  private Integer readyPods;

  private Integer updatedReadyPods;

  /** The set's current hash (Kruise: a ControllerRevision name). */
  private String latestRevision;

  private Integer collisionCount;

  private List<Condition> conditions = new ArrayList<>();

  public Long getObservedGeneration() {
    return observedGeneration;
  }

  public void setObservedGeneration(Long observedGeneration) {
    this.observedGeneration = observedGeneration;
  }

  public Integer getMatchedPods() {
    return matchedPods;
  }

  public void setMatchedPods(Integer matchedPods) {
    this.matchedPods = matchedPods;
  }

  public Integer getUpdatedPods() {
    return updatedPods;
  }

  public void setUpdatedPods(Integer updatedPods) {
    this.updatedPods = updatedPods;
  }

  public Integer getReadyPods() {
    return readyPods;
  }

  public void setReadyPods(Integer readyPods) {
    this.readyPods = readyPods;
  }

  public Integer getUpdatedReadyPods() {
    return updatedReadyPods;
  }

  public void setUpdatedReadyPods(Integer updatedReadyPods) {
    this.updatedReadyPods = updatedReadyPods;
  }

  public String getLatestRevision() {
    return latestRevision;
  }

  public void setLatestRevision(String latestRevision) {
    this.latestRevision = latestRevision;
  }

  public Integer getCollisionCount() {
    return collisionCount;
  }

  public void setCollisionCount(Integer collisionCount) {
    this.collisionCount = collisionCount;
  }

  public List<Condition> getConditions() {
    return conditions;
  }

  public void setConditions(List<Condition> conditions) {
    this.conditions = conditions;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof SidecarSetStatus that
        && Objects.equals(observedGeneration, that.observedGeneration)
        && Objects.equals(matchedPods, that.matchedPods)
        && Objects.equals(updatedPods, that.updatedPods)
        && Objects.equals(readyPods, that.readyPods)
        && Objects.equals(updatedReadyPods, that.updatedReadyPods)
        && Objects.equals(latestRevision, that.latestRevision)
        && Objects.equals(collisionCount, that.collisionCount)
        && Objects.equals(conditions, that.conditions);
  }

  @Override
  public int hashCode() {
    return Objects.hash(
        observedGeneration,
        matchedPods,
        updatedPods,
        readyPods,
        updatedReadyPods,
        latestRevision,
        collisionCount,
        conditions);
  }
}
