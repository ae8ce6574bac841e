package io.sidecarset.core.inject;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.ObjectFieldSelector;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.Pod;
import io.sidecarset.api.v1alpha1.SidecarContainer;
import io.sidecarset.api.v1alpha1.TransferEnvVar;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Resolves a sidecar's {@code transferEnv}: env vars copied from a pod container named directly, or
 * named by a pod label or annotation ({@code sourceContainerNameFrom.fieldRef} with {@code
 * metadata.labels['k']} or {@code metadata.annotations['k']}). Per entry the names are copied in
 * sorted order, as Kruise does. A missing source container or env var is skipped with a warning.
 */
final class TransferredEnv {

  private static final Pattern SUBSCRIPTED_PATH =
      Pattern.compile("^(metadata\\.labels|metadata\\.annotations)\\['(.+)'\\]$");

  private TransferredEnv() {}

  static List<EnvVar> resolve(SidecarContainer sidecar, Pod pod, List<String> warnings) {
    List<EnvVar> transferred = new ArrayList<>();
    if (sidecar.getTransferEnv() == null) {
      return transferred;
    }
    for (TransferEnvVar entry : sidecar.getTransferEnv()) {
      TreeSet<String> names = new TreeSet<>();
      if (entry.getEnvName() != null && !entry.getEnvName().isEmpty()) {
        names.add(entry.getEnvName());
      }
      if (entry.getEnvNames() != null) {
        entry.getEnvNames().stream().filter(Objects::nonNull).forEach(names::add);
      }
      Optional<String> sourceName = sourceContainerName(entry, pod, sidecar, warnings);
      if (sourceName.isEmpty()) {
        continue;
      }
      Optional<Container> source = podContainer(pod, sourceName.get());
      if (source.isEmpty()) {
        warnings.add(
            "transferEnv of sidecar "
                + sidecar.getName()
                + ": source container "
                + sourceName.get()
                + " is not in the pod");
        continue;
      }
      for (String name : names) {
        Optional<EnvVar> env = SharedPodVolumes.envVar(source.get(), name);
        if (env.isPresent()) {
          transferred.add(env.get());
        } else {
          warnings.add(
              "transferEnv of sidecar "
                  + sidecar.getName()
                  + ": container "
                  + sourceName.get()
                  + " has no env "
                  + name);
        }
      }
    }
    return transferred;
  }

  private static Optional<String> sourceContainerName(
      TransferEnvVar entry, Pod pod, SidecarContainer sidecar, List<String> warnings) {
    if (entry.getSourceContainerNameFrom() == null
        || entry.getSourceContainerNameFrom().getFieldRef() == null) {
      return Optional.ofNullable(entry.getSourceContainerName()).filter(n -> !n.isEmpty());
    }
    ObjectFieldSelector fieldRef = entry.getSourceContainerNameFrom().getFieldRef();
    String path = fieldRef.getFieldPath() == null ? "" : fieldRef.getFieldPath();
    Matcher subscripted = SUBSCRIPTED_PATH.matcher(path);
    if (!subscripted.matches()) {
      warnings.add(
          "transferEnv of sidecar "
              + sidecar.getName()
              + ": unsupported sourceContainerNameFrom.fieldRef.fieldPath "
              + path);
      return Optional.empty();
    }
    ObjectMeta metadata = pod.getMetadata();
    Map<String, String> values =
        metadata == null
            ? null
            : subscripted.group(1).endsWith("labels")
                ? metadata.getLabels()
                : metadata.getAnnotations();
    String name = values == null ? null : values.get(subscripted.group(2));
    if (name == null || name.isEmpty()) {
      warnings.add(
          "transferEnv of sidecar "
              + sidecar.getName()
              + ": the pod has no value at "
              + path
              + " to name the source container");
      return Optional.empty();
    }
    return Optional.of(name);
  }

  private static Optional<Container> podContainer(Pod pod, String name) {
    if (pod.getSpec() == null || pod.getSpec().getContainers() == null) {
      return Optional.empty();
    }
    return pod.getSpec().getContainers().stream().filter(c -> name.equals(c.getName())).findFirst();
  }
}
