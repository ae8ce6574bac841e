package io.sidecarset.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;
import java.util.Objects;

/**
 * Copies env vars into the sidecar: from a named container of the pod, or from the container named
 * by a pod label or annotation ({@code sourceContainerNameFrom.fieldRef}).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class TransferEnvVar {

  private String sourceContainerName;
  private SourceContainerNameSource sourceContainerNameFrom;
  private String envName;
  private List<String> envNames;

  public TransferEnvVar() {}

  public String getSourceContainerName() {
    return sourceContainerName;
  }

  public void setSourceContainerName(String sourceContainerName) {
    this.sourceContainerName = sourceContainerName;
  }

  public SourceContainerNameSource getSourceContainerNameFrom() {
    return sourceContainerNameFrom;
  }

  public void setSourceContainerNameFrom(SourceContainerNameSource sourceContainerNameFrom) {
    this.sourceContainerNameFrom = sourceContainerNameFrom;
  }

  public String getEnvName() {
    return envName;
  }

  public void setEnvName(String envName) {
    this.envName = envName;
  }

  public List<String> getEnvNames() {
    return envNames;
  }

  public void setEnvNames(List<String> envNames) {
    this.envNames = envNames;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof TransferEnvVar that
        && Objects.equals(sourceContainerName, that.sourceContainerName)
        && Objects.equals(sourceContainerNameFrom, that.sourceContainerNameFrom)
        && Objects.equals(envName, that.envName)
        && Objects.equals(envNames, that.envNames);
  }

  @Override
  public int hashCode() {
    return Objects.hash(sourceContainerName, sourceContainerNameFrom, envName, envNames);
  }
}
