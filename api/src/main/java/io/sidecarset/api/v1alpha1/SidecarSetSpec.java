package io.sidecarset.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Required;
import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.LocalObjectReference;
import io.fabric8.kubernetes.api.model.Volume;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/** What to inject, where, and how to roll out a change. Kruise's field names and defaults. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class SidecarSetSpec {

  /** Pods whose labels match are injected. Required, and must not be empty. */
  @Required private LabelSelector selector;

  /** Only pods in this namespace (v1alpha1; v1beta1 expresses it as a namespaceSelector). */
  private String namespace;

  /** Only pods in namespaces whose labels match. */
  private LabelSelector namespaceSelector;

  /** Injected only when a pod is created; sorted by name, after the pod's own. */
  private List<SidecarContainer> initContainers;

  private List<SidecarContainer> containers;

  /** Merged into the pod; a pod volume of the same name wins. */
  private List<Volume> volumes;

  private SidecarSetUpdateStrategy updateStrategy;

  private SidecarSetInjectionStrategy injectionStrategy;

  private List<LocalObjectReference> imagePullSecrets;

  private List<SidecarSetPatchPodMetadata> patchPodMetadata;

  @Default("10")
  @Min(0)
  private Integer revisionHistoryLimit;

  public LabelSelector getSelector() {
    return selector;
  }

  public void setSelector(LabelSelector selector) {
    this.selector = selector;
  }

  public String getNamespace() {
    return namespace;
  }

  public void setNamespace(String namespace) {
    this.namespace = namespace;
  }

  public LabelSelector getNamespaceSelector() {
    return namespaceSelector;
  }

  public void setNamespaceSelector(LabelSelector namespaceSelector) {
    this.namespaceSelector = namespaceSelector;
  }

  public List<SidecarContainer> getInitContainers() {
    return initContainers;
  }

  public void setInitContainers(List<SidecarContainer> initContainers) {
    this.initContainers = initContainers;
  }

  public List<SidecarContainer> getContainers() {
    return containers;
  }

  public void setContainers(List<SidecarContainer> containers) {
    this.containers = containers;
  }

  public List<Volume> getVolumes() {
    return volumes;
  }

  public void setVolumes(List<Volume> volumes) {
    this.volumes = volumes;
  }

  public SidecarSetUpdateStrategy getUpdateStrategy() {
    return updateStrategy;
  }

  public void setUpdateStrategy(SidecarSetUpdateStrategy updateStrategy) {
    this.updateStrategy = updateStrategy;
  }

  public SidecarSetInjectionStrategy getInjectionStrategy() {
    return injectionStrategy;
  }

  public void setInjectionStrategy(SidecarSetInjectionStrategy injectionStrategy) {
    this.injectionStrategy = injectionStrategy;
  }

  public List<LocalObjectReference> getImagePullSecrets() {
    return imagePullSecrets;
  }

  public void setImagePullSecrets(List<LocalObjectReference> imagePullSecrets) {
    this.imagePullSecrets = imagePullSecrets;
  }

  public List<SidecarSetPatchPodMetadata> getPatchPodMetadata() {
    return patchPodMetadata;
  }

  public void setPatchPodMetadata(List<SidecarSetPatchPodMetadata> patchPodMetadata) {
    this.patchPodMetadata = patchPodMetadata;
  }

  public Integer getRevisionHistoryLimit() {
    return revisionHistoryLimit;
  }

  public void setRevisionHistoryLimit(Integer revisionHistoryLimit) {
    this.revisionHistoryLimit = revisionHistoryLimit;
  }

  /** The containers, never null. */
  public List<SidecarContainer> containersOrEmpty() {
    return containers == null ? List.of() : containers;
  }

  /** The init containers, never null. */
  public List<SidecarContainer> initContainersOrEmpty() {
    return initContainers == null ? List.of() : initContainers;
  }

  /** The update strategy, with Kruise's defaults when absent. */
  public SidecarSetUpdateStrategy updateStrategyOrDefault() {
    return updateStrategy == null ? new SidecarSetUpdateStrategy() : updateStrategy;
  }

  /** The injection strategy, with its defaults when absent. */
  public SidecarSetInjectionStrategy injectionStrategyOrDefault() {
    return injectionStrategy == null ? new SidecarSetInjectionStrategy() : injectionStrategy;
  }

  /** Adds a container (fixture and builder convenience). */
  public SidecarSetSpec addContainer(SidecarContainer container) {
    if (containers == null) {
      containers = new ArrayList<>();
    }
    containers.add(container);
    return this;
  }

  @Override
  public boolean equals(Object o) {
    if (this == o) {
      return true;
    }
    if (!(o instanceof SidecarSetSpec that)) {
      return false;
    }
    return Objects.equals(selector, that.selector)
        && Objects.equals(namespace, that.namespace)
        && Objects.equals(namespaceSelector, that.namespaceSelector)
        && Objects.equals(initContainers, that.initContainers)
        && Objects.equals(containers, that.containers)
        && Objects.equals(volumes, that.volumes)
        && Objects.equals(updateStrategy, that.updateStrategy)
        && Objects.equals(injectionStrategy, that.injectionStrategy)
        && Objects.equals(imagePullSecrets, that.imagePullSecrets)
        && Objects.equals(patchPodMetadata, that.patchPodMetadata)
        && Objects.equals(revisionHistoryLimit, that.revisionHistoryLimit);
  }

  @Override
  public int hashCode() {
    return Objects.hash(
        selector,
        namespace,
        namespaceSelector,
        initContainers,
        containers,
        volumes,
        updateStrategy,
        injectionStrategy,
        imagePullSecrets,
        patchPodMetadata,
        revisionHistoryLimit);
  }
}
